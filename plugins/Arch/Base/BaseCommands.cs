using Diskless.Abstractions;

namespace Diskless.Plugins.Arch.Base;

/// <summary>The commands that build an Arch base (pure: described here, run by <see cref="BaseBuilder"/>).</summary>
internal static class BaseCommands
{
    /// <summary>The base's own pacman keyring (the guest's pacman uses it too).</summary>
    public const string KeyringGuestPath = "/etc/pacman.d/gnupg";

    /// <summary>
    /// pacstrap -N runs itself in a new user namespace made with <c>unshare --map-auto --map-root-user</c>, which asks
    /// the setuid newuidmap for the caller's /etc/subuid range. Entered into the machine's namespace Diskless is already
    /// guest root with the machine's whole range mapped, where newuidmap has no privilege ("uid range not allowed"),
    /// and pacstrap's other mode cannot run there either (it mounts a devtmpfs, which no user namespace may). Bash
    /// imports a function from a BASH_FUNC_name%% variable, and pacstrap is a bash script that runs `unshare` by name:
    /// this one drops the two mapping options, so pacstrap's unshare mode runs in the machine's namespace with the
    /// machine's map (its own mount and pid namespaces, its bind-mounted /dev, as it would on an Arch host). It
    /// un-exports itself first, so nothing pacstrap starts (pacman, the packages' install scripts) inherits it.
    /// </summary>
    public const string UnshareInNamespace =
        "() { export -fn unshare; local kept=(); for a in \"$@\"; do case $a in --map-auto|--map-root-user) ;; *) kept+=(\"$a\") ;; esac; done; command unshare \"${kept[@]}\"; }";

    /// <summary>
    /// Our pacman.conf for the build, in the target (removed before the build ends): pacstrap -N runs as guest root,
    /// who may not open a pipe of the host user's (so no -C /dev/stdin) nor reach a file elsewhere in the data dir.
    /// </summary>
    public const string BuildConfGuestPath = "/etc/pacman.d/diskless-build.conf";

    public static string KeyringDirectory(string targetDirectory) => new MachineRoot(targetDirectory).Path + KeyringGuestPath;

    public static string BuildConf(string targetDirectory) => new MachineRoot(targetDirectory).Path + BuildConfGuestPath;

    /// <summary>
    /// Writes the build's pacman.conf from standard input: dd reads the pipe it was handed (opening it again by name
    /// is what guest root may not do) and writes a new file in the target, made by pacman-key --init's folder.
    /// </summary>
    public static CommandSpec WriteBuildConf(string targetDirectory, string pacmanConf, bool inNamespace) =>
        new("dd", $"of={BuildConf(targetDirectory)}", "status=none")
        {
            Description = "writing the build's pacman.conf into the base",
            RequiresRoot = !inNamespace,
            StandardInput = pacmanConf,
        };

    /// <summary>The build's pacman.conf is not the guest's: configure writes that one.</summary>
    public static CommandSpec RemoveBuildConf(string targetDirectory, bool inNamespace) =>
        new("rm", "-f", "--", BuildConf(targetDirectory))
        {
            Description = "removing the build's pacman.conf from the base",
            RequiresRoot = !inNamespace,
        };

    /// <summary>A new keyring in the base, with its own local master key (what pacstrap -K would make).</summary>
    public static CommandSpec InitKeyring(string targetDirectory, bool inNamespace) =>
        new("pacman-key", "--gpgdir", KeyringDirectory(targetDirectory), "--init")
        {
            Description = "initialising the base's pacman keyring",
            RequiresRoot = !inNamespace,
            Environment = BuildEnvironment,
        };

    /// <summary>Arch's signing keys from the host's archlinux-keyring (/usr/share/keyrings), trusted in the base's keyring.</summary>
    public static CommandSpec PopulateKeyring(string targetDirectory, bool inNamespace) =>
        new("pacman-key", "--gpgdir", KeyringDirectory(targetDirectory), "--populate", "archlinux")
        {
            Description = "importing Arch's signing keys into the base's keyring",
            RequiresRoot = !inNamespace,
            Environment = BuildEnvironment,
        };

    /// <summary>
    /// pacstrap into <paramref name="targetDirectory"/> with our pacman.conf (<see cref="WriteBuildConf"/>; nothing is
    /// written outside the target). -K: the base's own keyring, never the host's (pacstrap initialises it only when absent, so
    /// the one prepared before is used); -M: the mirrorlist is ours, written at configure, not the host's. In a
    /// namespace: -N, entered by the caller (see <see cref="UnshareInNamespace"/>). As host root: pacstrap mounts
    /// /proc, /sys and /dev under the target, so it runs in a mount namespace of its own, whose mounts vanish with its
    /// last process, even when pacstrap is killed before it could unmount them.
    /// </summary>
    public static CommandSpec Pacstrap(BaseSpec spec, string targetDirectory, bool inNamespace, Action<string>? onOutputLine)
    {
        List<string> pacstrap = ["pacstrap", "-K", "-M", "-C", BuildConf(targetDirectory)];
        if (inNamespace)
        {
            pacstrap.Add("-N");
        }

        pacstrap.Add(new MachineRoot(targetDirectory).Path);
        pacstrap.AddRange(spec.Packages);
        var environment = new Dictionary<string, string?>(BuildEnvironment);
        if (inNamespace)
        {
            environment["BASH_FUNC_unshare%%"] = UnshareInNamespace;
        }

        var description = $"downloading and installing the Arch base ({spec.Release})";
        return inNamespace
            ? new CommandSpec(pacstrap[0], pacstrap[1..])
            {
                Description = description,
                OnOutputLine = onOutputLine,
                Environment = environment,
            }
            : new CommandSpec("unshare", ["--mount", "--propagation", "private", "--", .. pacstrap])
            {
                Description = description,
                WrappedProgram = "pacstrap",
                RequiresRoot = true,
                OnOutputLine = onOutputLine,
                Environment = environment,
            };
    }

    /// <summary>
    /// Drops the downloaded packages (hundreds of MB every machine cloned from the base would carry): regular files
    /// directly in the cache folder, found without following links.
    /// </summary>
    public static CommandSpec CleanPackageCache(string targetDirectory, bool inNamespace) =>
        new("find", new MachineRoot(targetDirectory).Path + "/var/cache/pacman/pkg", "-mindepth", "1", "-maxdepth", "1", "-type", "f", "-delete")
        {
            Description = "cleaning the package cache of the base",
            RequiresRoot = !inNamespace,
        };

    /// <summary>gpg leaves an agent running for the keyring it used; it must not outlive the build.</summary>
    public static CommandSpec StopKeyringAgent(string targetDirectory, bool inNamespace) =>
        new("gpgconf", "--homedir", KeyringDirectory(targetDirectory), "--kill", "all")
        {
            Description = "stopping gpg's agent for the base's keyring",
            RequiresRoot = !inNamespace,
            SuccessExitCodes = [0, 1, 2],
        };

    /// <summary>The host user's HOME is not guest root's, nor is its locale certain to exist; gpg and pacman need neither.</summary>
    private static readonly IReadOnlyDictionary<string, string?> BuildEnvironment = new Dictionary<string, string?>
    {
        ["HOME"] = null,
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["LANGUAGE"] = null,
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    };
}
