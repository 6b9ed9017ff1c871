using Diskless.Abstractions;
using Diskless.Plugins.Debian.Base;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Turns a machine's spec, its shares and identity into the changes that make a fresh clone of the base boot from
/// its share (pure: renders templates, touches nothing). Every file's content comes from Templates/*.liquid.
/// </summary>
internal sealed class ConfigurePlanner(ITemplates templates)
{
    private const UnixFileMode Mode0644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0444 = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode0440 = UnixFileMode.UserRead | UnixFileMode.GroupRead;

    private const UnixFileMode Mode0755 = Mode0644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const string SystemUnits = "/lib/systemd/system";
    private const string AdminUnits = "/etc/systemd/system";

    /// <summary>
    /// The one NIC's name when its address is set in the initramfs: the kernel's own name, because the address is
    /// set before udev could rename it (net.ifnames=0 keeps it).
    /// </summary>
    private const string StaticInterface = "eth0";

    /// <summary>The links `systemctl enable systemd-networkd` makes; written directly, no running systemd needed.</summary>
    private static readonly (string Link, string Target)[] NetworkdLinks =
    [
        ($"{AdminUnits}/multi-user.target.wants/systemd-networkd.service", $"{SystemUnits}/systemd-networkd.service"),
        ($"{AdminUnits}/sockets.target.wants/systemd-networkd.socket", $"{SystemUnits}/systemd-networkd.socket"),
        ($"{AdminUnits}/dbus-org.freedesktop.network1.service", $"{SystemUnits}/systemd-networkd.service"),
    ];

    private const string WiredNetworkFile = "/etc/systemd/network/20-diskless-wired.network";

    private const string InitramfsNetworkScript = "/etc/initramfs-tools/scripts/init-premount/diskless-network";

    private static readonly IReadOnlyList<string> HostKeyAlgorithms = ["ed25519", "ecdsa", "rsa"];

    public ConfigurePlan Plan(ConfigureRequest request, RootFacts facts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ShareTags.Validate(request.Shares);
        var steps = new List<RootStep>();
        var warnings = new List<string>();
        var distro = request.Machine.Distro;
        var baseSpec = BasePlanner.Describe(distro, "debian");

        steps.Add(Write("/etc/hostname", "hostname.liquid", new HostnameModel(request.Machine.Name)));
        steps.Add(Write("/etc/hosts", "hosts.liquid", new HostnameModel(request.Machine.Name)));
        if (request.Network.Nameservers.Count > 0)
        {
            // debootstrap copied the build host's resolver; the guest's is the provider's.
            steps.Add(Write("/etc/resolv.conf", "resolv.conf.liquid", new ResolvConfModel(request.Network.Nameservers.Select(a => a.ToString()).ToList())));
        }

        steps.Add(Write("/etc/fstab", "fstab.liquid", Fstab(request)));
        steps.Add(Write("/etc/apt/sources.list", "sources.list.liquid", AptSources(baseSpec)));
        steps.AddRange(Locale(distro.Locale, facts, warnings));
        steps.AddRange(Timezone(distro.Timezone));
        steps.AddRange(Network(request.Network));
        steps.AddRange(MaskedUnits());
        steps.AddRange(MaskedGenerators());
        steps.Add(Write("/etc/modprobe.d/diskless.conf", "modprobe-blacklist.liquid", new NoModel()));
        steps.AddRange(MachineId());
        steps.AddRange(Ssh(request.Identity, facts));
        steps.AddRange(User(request.Identity, facts));
        steps.AddRange(Initramfs(request.Shares, request.Network));

        var commandLine = templates.Render(typeof(DebianDistro).Assembly, "cmdline.liquid", CommandLine(request.RootShare, request.Network)).Trim();
        return new ConfigurePlan(steps, commandLine, warnings);
    }

    private static KernelCommandLineModel CommandLine(Share root, GuestNetwork network)
    {
        var isNineP = root.Transport == ShareTransport.NineP;
        return network.Static is { } address
            ? new KernelCommandLineModel(root.Tag, isNineP, root.NinePMsize, true, address.Address.ToString(), address.Gateway.ToString(), address.Netmask.ToString(), StaticInterface)
            : new KernelCommandLineModel(root.Tag, isNineP, root.NinePMsize, false, "", "", "", "");
    }

    private WriteFileStep Write<TModel>(string guestPath, string template, TModel model, UnixFileMode mode = Mode0644)
        where TModel : notnull =>
        new(guestPath, templates.Render(typeof(DebianDistro).Assembly, template, model), mode);

    private static FstabModel Fstab(ConfigureRequest request)
    {
        var mounts = request.Shares
            .Where(s => !s.IsRoot)
            .Select(s => new FstabMount(s.Tag, FstabEscaping.Escape(s.GuestPath), s.Transport == ShareTransport.NineP, s.NinePMsize, s.ReadOnly))
            .ToList();
        return new FstabModel(request.RootShare.Tag, TransportName(request.RootShare.Transport), mounts);
    }

    private static AptSourcesModel AptSources(BaseSpec spec)
    {
        var rolling = DebianDefaults.RollingReleases.Contains(spec.Release, StringComparer.Ordinal);
        var components = BasePlanner.Components(spec).Replace(',', ' ');
        return new AptSourcesModel(spec.Mirror, SecurityMirror(spec.Mirror), spec.Release, components, !rolling, !rolling);
    }

    /// <summary>A mirror of …/debian usually serves …/debian-security beside it (deb.debian.org does); otherwise use Debian's own.</summary>
    private static string SecurityMirror(string mirror) =>
        mirror.EndsWith("/debian", StringComparison.Ordinal) ? mirror + "-security" : "http://security.debian.org/debian-security";

    private IEnumerable<RootStep> Locale(string locale, RootFacts facts, List<string> warnings)
    {
        yield return Write("/etc/default/locale", "locale.liquid", new LocaleModel(locale));
        if (!LocaleSupport.NeedsLocalesPackage(locale))
        {
            yield break;
        }

        if (!facts.HasLocaleGen)
        {
            warnings.Add($"The base has no locale-gen (package locales), so the locale {locale} is not generated; programs fall back to C.");
            yield break;
        }

        yield return Write("/etc/locale.gen", "locale.gen.liquid", new LocaleGenModel(locale, LocaleSupport.Charset(locale)));
        yield return InRoot("generating the locale " + locale, "/usr/sbin/locale-gen");
    }

    private IEnumerable<RootStep> Timezone(string timezone)
    {
        yield return Write("/etc/timezone", "timezone.liquid", new TimezoneModel(timezone));
        yield return new SymlinkStep("/etc/localtime", "/usr/share/zoneinfo/" + timezone);
    }

    /// <summary>
    /// A fixed address is set by the initramfs (see initramfs-network.liquid) and needs no daemon: systemd-networkd
    /// stays off, which also spares an emulated boot its start-up. DHCP gets systemd-networkd. Each way undoes the
    /// other, for a root configured again after its provider changed.
    /// </summary>
    private IEnumerable<RootStep> Network(GuestNetwork network)
    {
        if (network.Static is not null)
        {
            foreach (var (link, _) in NetworkdLinks)
            {
                yield return new DeleteFileStep(link);
            }

            yield return new DeleteFileStep(WiredNetworkFile);
            yield return Write(InitramfsNetworkScript, "initramfs-network.liquid", new NoModel(), Mode0755);
            yield break;
        }

        yield return new DeleteFileStep(InitramfsNetworkScript);
        yield return Write(WiredNetworkFile, "wired.network.liquid", new WiredNetworkModel("en*"));
        foreach (var (link, target) in NetworkdLinks)
        {
            yield return new SymlinkStep(link, target);
        }
    }

    private IEnumerable<RootStep> MaskedUnits() =>
        ListedNames("masked-units.liquid").Select(unit => new SymlinkStep($"{AdminUnits}/{unit}", "/dev/null"));

    /// <summary>A generator is masked like a unit: a link to /dev/null in /etc/systemd/system-generators.</summary>
    private IEnumerable<RootStep> MaskedGenerators() =>
        ListedNames("masked-generators.liquid").Select(generator => new SymlinkStep($"/etc/systemd/system-generators/{generator}", "/dev/null"));

    private IEnumerable<string> ListedNames(string template) =>
        templates.Render(typeof(DebianDistro).Assembly, template, new NoModel())
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'));

    /// <summary>An empty machine-id makes systemd generate a new one on first boot: every clone of a base gets its own.</summary>
    private static IEnumerable<RootStep> MachineId()
    {
        yield return new WriteFileStep("/etc/machine-id", "", Mode0444);
        // dbus falls back to /etc/machine-id when its own copy is absent.
        yield return new DeleteFileStep("/var/lib/dbus/machine-id");
    }

    /// <summary>sshd offers only the host keys the host generated and pinned; the base's own are removed.</summary>
    private IEnumerable<RootStep> Ssh(GuestIdentity identity, RootFacts facts)
    {
        var keys = identity.HostKeys.Select(key =>
        {
            if (!HostKeyAlgorithms.Contains(key.Algorithm, StringComparer.Ordinal))
            {
                throw new DisklessException(
                    $"Unsupported SSH host key algorithm '{key.Algorithm}'.",
                    $"Use one of {string.Join(", ", HostKeyAlgorithms)}.");
            }

            return (Key: key, GuestPath: $"/etc/ssh/ssh_host_{key.Algorithm}_key");
        }).ToList();

        yield return Write(
            "/etc/ssh/sshd_config.d/diskless.conf",
            "sshd-diskless.conf.liquid",
            new SshdModel(keys.Select(k => k.GuestPath).ToList(), identity.UserName == "root" ? "prohibit-password" : "no"));
        yield return Write($"{AdminUnits}/ssh.service.d/diskless.conf", "ssh-service.conf.liquid", new NoModel());
        foreach (var existing in facts.SshHostKeyFiles)
        {
            yield return new DeleteFileStep(existing);
        }

        foreach (var (key, guestPath) in keys)
        {
            yield return new CopyFileStep(key.PrivateKeyPath, guestPath, Mode0600);
            yield return new CopyFileStep(key.PublicKeyPath, guestPath + ".pub", Mode0644);
        }
    }

    private IEnumerable<RootStep> User(GuestIdentity identity, RootFacts facts)
    {
        var user = identity.UserName;
        if (facts.User is null)
        {
            yield return InRoot($"creating the user {user}", "/usr/sbin/useradd", "-m", "-s", "/bin/bash", "-G", "sudo", user);
        }

        yield return Write($"/etc/sudoers.d/diskless", "sudoers.liquid", new SudoersModel(user), Mode0440);
        var home = facts.User?.Home ?? $"/home/{user}";
        var ssh = home.TrimEnd('/') + "/.ssh";
        yield return new CreateDirectoryStep(ssh, Mode0700);
        yield return Write($"{ssh}/authorized_keys", "authorized_keys.liquid", new AuthorizedKeysModel(identity.AuthorizedPublicKey.Trim()), Mode0600);
        // Inside the root, so the user and group names resolve against the guest's /etc/passwd, not the host's.
        yield return InRoot($"giving {ssh} to {user}", "/usr/bin/chown", "-R", $"{user}:", ssh);
    }

    private IEnumerable<RootStep> Initramfs(IReadOnlyList<Share> shares, GuestNetwork network)
    {
        var transports = shares.Select(s => s.Transport).ToHashSet();
        List<string> modules = ["virtio_pci"];
        if (network.Static is not null)
        {
            // The initramfs sets the address, so the NIC's driver must be in it.
            modules.Add("virtio_net");
        }

        if (transports.Contains(ShareTransport.NineP))
        {
            modules.AddRange(["9pnet", "9pnet_virtio", "9p"]);
        }

        if (transports.Contains(ShareTransport.VirtioFs))
        {
            modules.Add("virtiofs");
        }

        yield return Write("/etc/initramfs-tools/modules", "initramfs-modules.liquid", new InitramfsModulesModel(modules));
        yield return Write("/etc/initramfs-tools/conf.d/diskless.conf", "initramfs-conf.liquid", new InitramfsConfModel("list"));
        // A resume device the clone does not have would make the initramfs wait for it (seed: gotchas of a virtiofs root).
        yield return new DeleteFileStep("/etc/initramfs-tools/conf.d/resume");
        yield return InRoot("building the initramfs", "/usr/sbin/update-initramfs", "-u", "-k", "all");
    }

    private static RunInRootStep InRoot(string description, string program, params string[] arguments) =>
        new(new CommandSpec(program, arguments) { Description = description, RequiresRoot = true, Environment = BaseCommands.InRootEnvironment });

    public static string TransportName(ShareTransport transport) => transport == ShareTransport.NineP ? "9p" : "virtiofs";
}
