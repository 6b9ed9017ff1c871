using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Base;

/// <summary>The commands that build a base (pure: they are only described here, run by <see cref="BaseBuilder"/>).</summary>
internal static class BaseCommands
{
    /// <summary>
    /// Environment for commands that build or change a root: the host's locale may not exist there, and apt must not
    /// ask. INITRD=No makes the kernel package's initramfs hook skip: with it, a base build made Debian's MODULES=most
    /// initramfs twice (the kernel's postinst, then initramfs-tools' trigger), 97 s of a 189 s mmdebstrap, for an image
    /// no machine boots — each machine's configuration builds the small one it boots (update-initramfs -c).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> InRootEnvironment { get; } = new Dictionary<string, string?>
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["LANGUAGE"] = null,
        ["DEBIAN_FRONTEND"] = "noninteractive",
        ["INITRD"] = "No",
    };

    /// <summary>
    /// <see cref="InRootEnvironment"/> for a host program that builds a tree (debootstrap, mmdebstrap, the host's apt):
    /// the host user's HOME is not guest root's to read (dpkg warned about /root/.dpkg.cfg).
    /// </summary>
    private static Dictionary<string, string?> HostToolEnvironment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?>(InRootEnvironment) { ["HOME"] = null };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>debootstrap into <paramref name="targetDirectory"/> (the empty folder the host gave us).</summary>
    public static CommandSpec Debootstrap(BaseSpec spec, string targetDirectory, Action<string>? onOutputLine)
    {
        var variant = BasePlanner.Variant(spec);
        List<string> arguments = variant == "standard" ? [] : [$"--variant={variant}"];
        arguments.AddRange(
        [
            $"--include={string.Join(',', spec.Packages)}",
            $"--components={BasePlanner.Components(spec)}",
            $"--arch={spec.Architecture}",
            spec.Release,
            targetDirectory,
            spec.Mirror,
        ]);
        return new CommandSpec("debootstrap", arguments)
        {
            Description = $"downloading and installing Debian {spec.Release}",
            RequiresRoot = true,
            OnOutputLine = onOutputLine,
            Environment = HostToolEnvironment(),
        };
    }

    /// <summary>
    /// mmdebstrap into <paramref name="targetDirectory"/> (the empty folder, owned by guest root, the host gave us),
    /// for a root that belongs to the machine's subordinate ids. The caller enters it into the machine's user
    /// namespace: as guest root there, mmdebstrap's unshare mode creates no user namespace of its own (it still
    /// unshares mount and pid), so every file gets the machine's map. The same package set, variant, components,
    /// architecture, release and mirror as <see cref="Debootstrap"/>.
    /// </summary>
    public static CommandSpec Mmdebstrap(BaseSpec spec, string targetDirectory, Action<string>? onOutputLine, string? packageCache = null) =>
        new("mmdebstrap",
        [
            // Always explicit: left to choose, mmdebstrap silently falls back to fakechroot where it cannot unshare
            // and builds a tree with the wrong owners.
            "--mode=unshare",
            .. packageCache is null ? [] : CacheHooks(packageCache),
            $"--variant={MmdebstrapVariant(BasePlanner.Variant(spec))}",
            $"--include={string.Join(',', spec.Packages)}",
            $"--components={BasePlanner.Components(spec)}",
            $"--architectures={spec.Architecture}",
            // apt's and dpkg's per-package lines ("Get:", "Unpacking", "Setting up") are the stage's progress and,
            // when the build fails, the context of the error.
            "--verbose",
            spec.Release,
            targetDirectory,
            spec.Mirror,
        ])
        {
            Description = $"downloading and installing Debian {spec.Release}",
            OnOutputLine = onOutputLine,
            Environment = HostToolEnvironment(),
        };

    /// <summary>
    /// Hands the user's package cache to mmdebstrap without the tree ever keeping it: before the download, the cache's
    /// package files are hard-linked into the tree's apt archive (instant, no copy; only regular files, never a link),
    /// so apt downloads only what the cache lacks; before mmdebstrap's cleanup empties the archive, what is new there is
    /// linked back. Essential packages stay in the archive until then (essential/unlink skipped) so they reach the
    /// cache too. Where links cannot cross (another filesystem) files are copied.
    /// </summary>
    public static IReadOnlyList<string> CacheHooks(string packageCache)
    {
        var cache = ShellQuoting.Quote(packageCache);
        return
        [
            "--skip=essential/unlink",
            "--setup-hook=mkdir -p \"$1/var/cache/apt/archives\" && find " + cache + " -maxdepth 1 -type f -name '*.deb' -exec sh -c 'cp -al -- \"$@\" \"$0\" 2>/dev/null || cp -a -- \"$@\" \"$0\"' \"$1/var/cache/apt/archives/\" {} +",
            "--customize-hook=find \"$1/var/cache/apt/archives\" -maxdepth 1 -type f -name '*.deb' -exec sh -c 'cp -aln -- \"$@\" \"$0\" 2>/dev/null || cp -an -- \"$@\" \"$0\"' " + cache + " {} +",
        ];
    }

    /// <summary>
    /// The apt configuration under which the host's apt-get reads the indexes of the tree at <paramref name="targetDirectory"/>
    /// and downloads into <paramref name="packageCache"/>: the tree's own sources, keys and settings (read first, in
    /// place of the host's, through APT_CONFIG), as mmdebstrap runs apt. Downloads run as guest root, already an
    /// unprivileged id, so apt's own drop to _apt is not needed.
    /// </summary>
    public static string AptConfiguration(BaseSpec spec, string targetDirectory, string packageCache) =>
        $"""
        Dir::Etc "{targetDirectory}/etc/apt";
        Dir::State "{targetDirectory}/var/lib/apt";
        Dir::State::status "{targetDirectory}/var/lib/dpkg/status";
        Dir::Cache "{targetDirectory}/var/cache/apt";
        Dir::Cache::archives "{packageCache}/";
        APT::Architecture "{spec.Architecture}";
        APT::Architectures "{spec.Architecture}";
        APT::Sandbox::User "root";
        Acquire::Languages "none";

        """;

    /// <summary>The host's apt-get under <paramref name="aptConfig"/> (<see cref="AptConfiguration"/>): update the tree's indexes, or download packages into the cache.</summary>
    public static CommandSpec HostApt(string aptConfig, IReadOnlyList<string> arguments, string description, Action<string>? onOutputLine) =>
        new("apt-get", ["-q", .. arguments])
        {
            Description = description,
            OnOutputLine = onOutputLine,
            Environment = HostToolEnvironment(("APT_CONFIG", aptConfig)),
        };

    /// <summary>Where the sandbox shows the package cache to the tree's own apt: its archive, read-only.</summary>
    public const string ArchivesInRoot = "/var/cache/apt/archives";

    /// <summary>The tree's own apt-get installing <paramref name="packages"/> from its archive (the cache, every file already there): no download.</summary>
    public static CommandSpec InstallFromArchive(IReadOnlyList<string> packages, Action<string>? onOutputLine) =>
        new("apt-get", ["-q", "-y", "--no-download", "install", .. packages])
        {
            Description = "installing the extra packages",
            OnOutputLine = onOutputLine,
            Environment = InRootEnvironment,
        };

    /// <summary>Drops the package indexes the derivation fetched: mmdebstrap leaves none in a base either.</summary>
    public static CommandSpec RemoveIndexes() =>
        new("find", "/var/lib/apt/lists", "/var/cache/apt", "-mindepth", "1", "-maxdepth", "1", "-type", "f", "-delete")
        {
            Description = "removing the package indexes",
            Environment = InRootEnvironment,
        };

    /// <summary>
    /// mmdebstrap's name for a debootstrap variant. minbase and buildd mean the same in both; debootstrap's default
    /// (required and important packages, "standard" here) is mmdebstrap's "debootstrap" variant — mmdebstrap's own
    /// "standard" would add the Priority: standard packages too.
    /// </summary>
    public static string MmdebstrapVariant(string debootstrapVariant) => debootstrapVariant switch
    {
        "standard" => "debootstrap",
        _ => debootstrapVariant,
    };

    /// <summary>Drops the downloaded .deb files (about 120 MB) that every machine cloned from the base would otherwise carry.</summary>
    public static CommandSpec AptClean() =>
        new("/usr/bin/apt-get", "clean")
        {
            Description = "cleaning the package cache of the base",
            RequiresRoot = true,
            Environment = InRootEnvironment,
        };
}
