using Diskless.Abstractions;
using Diskless.PluginSupport.Accounts;
using Diskless.PluginSupport.Shares;
using static Diskless.PluginSupport.Configure.FileModes;

namespace Diskless.PluginSupport.Configure;

/// <summary>
/// The edits every distro makes the same way (pure: renders this assembly's templates, touches nothing): hostname,
/// resolver, fstab for the shares, time zone, the kernel command line of the root's transport, sshd with the pinned
/// host keys, and the login user with sudo and its key, written as files (the guest's useradd and chown never run).
/// </summary>
public sealed class SharedFiles(ITemplates templates)
{
    private static readonly IReadOnlyList<string> HostKeyAlgorithms = ["ed25519", "ecdsa", "rsa"];

    /// <summary>Renders one of this assembly's templates.</summary>
    public string Render<TModel>(string template, TModel model)
        where TModel : notnull =>
        templates.Render(typeof(SharedFiles).Assembly, template, model);

    /// <summary>A file rendered from one of this assembly's templates.</summary>
    public WriteFileEdit Write<TModel>(string guestPath, string template, TModel model, UnixFileMode mode = Mode0644, RootOwner? owner = null)
        where TModel : notnull =>
        new(guestPath, Render(template, model), mode, owner);

    /// <summary>/etc/hostname and /etc/hosts.</summary>
    public IEnumerable<RootEdit> Hostname(string hostname)
    {
        yield return Write("/etc/hostname", "hostname.liquid", new HostnameModel(hostname));
        yield return Write("/etc/hosts", "hosts.liquid", new HostnameModel(hostname));
    }

    /// <summary>/etc/resolv.conf with the provider's DNS servers (the bootstrap copied the build host's).</summary>
    public WriteFileEdit ResolvConf(IReadOnlyList<System.Net.IPAddress> nameservers) =>
        Write("/etc/resolv.conf", "resolv.conf.liquid", new ResolvConfModel(nameservers.Select(a => a.ToString()).ToList()));

    /// <summary>
    /// /etc/fstab: tmpfs /tmp, the root's folders served apart (its /home), then every synced folder (one may lie in
    /// /home); the root is mounted by the initramfs.
    /// </summary>
    public WriteFileEdit Fstab(ConfigureRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mounts = request.Shares
            .Where(s => !s.IsRoot)
            .OrderBy(s => !s.PartOfRoot)
            .Select(s => new FstabMount(s.Tag, FstabEscaping.Escape(s.GuestPath), s.Transport == ShareTransport.NineP, s.NinePMsize, s.ReadOnly, s.PartOfRoot))
            .ToList();
        return Write("/etc/fstab", "fstab.liquid", new FstabModel(request.RootShare.Tag, BootTransports.FileSystemType(request.RootShare.Transport), mounts));
    }

    /// <summary>/etc/timezone and the /etc/localtime link.</summary>
    public IEnumerable<RootEdit> Timezone(string timezone)
    {
        yield return Write("/etc/timezone", "timezone.liquid", new TimezoneModel(timezone));
        yield return new SymlinkEdit("/etc/localtime", "/usr/share/zoneinfo/" + timezone);
    }

    /// <summary>
    /// root=, rootfstype= and (9p) rootflags= for the root share, and the console; with
    /// <paramref name="initramfsAddress"/> also the kernel's ip= for an initramfs that sets the address on
    /// <paramref name="staticInterface"/>.
    /// </summary>
    public string KernelCommandLine(Share root, StaticAddress? initramfsAddress, string staticInterface)
    {
        ArgumentNullException.ThrowIfNull(root);
        var isNineP = root.Transport == ShareTransport.NineP;
        var model = initramfsAddress is { } address
            ? new KernelCommandLineModel(root.Tag, isNineP, root.NinePMsize, true, address.Address.ToString(), address.Gateway.ToString(), address.Netmask.ToString(), staticInterface)
            : new KernelCommandLineModel(root.Tag, isNineP, root.NinePMsize, false, "", "", "", "");
        return Render("cmdline.liquid", model).Trim();
    }

    /// <summary>The guest path of each pinned host key; an algorithm sshd cannot load is an error.</summary>
    public static IReadOnlyList<(HostKeyFiles Key, string GuestPath)> HostKeyPaths(GuestIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.HostKeys.Select(key =>
        {
            if (!HostKeyAlgorithms.Contains(key.Algorithm, StringComparer.Ordinal))
            {
                throw new DisklessException(
                    $"Unsupported SSH host key algorithm '{key.Algorithm}'.",
                    $"Use one of {string.Join(", ", HostKeyAlgorithms)}.");
            }

            return (Key: key, GuestPath: $"/etc/ssh/ssh_host_{key.Algorithm}_key");
        }).ToList();
    }

    /// <summary>sshd's drop-in: keys only, and only the host keys the host generated and pinned.</summary>
    public WriteFileEdit SshdConfig(GuestIdentity identity) =>
        Write(
            "/etc/ssh/sshd_config.d/diskless.conf",
            "sshd-diskless.conf.liquid",
            new SshdModel(HostKeyPaths(identity).Select(k => k.GuestPath).ToList(), identity.UserName == "root" ? "prohibit-password" : "no"));

    /// <summary>The base's own host keys removed, then the pinned ones copied (in that order, or a delete would remove a pinned key).</summary>
    public static IEnumerable<RootEdit> HostKeys(GuestIdentity identity, IReadOnlyList<string> existingKeyFiles)
    {
        ArgumentNullException.ThrowIfNull(existingKeyFiles);
        var keys = HostKeyPaths(identity);
        foreach (var existing in existingKeyFiles)
        {
            yield return new DeleteFileEdit(existing);
        }

        foreach (var (key, guestPath) in keys)
        {
            yield return new CopyFileEdit(key.PrivateKeyPath, guestPath, Mode0600);
            yield return new CopyFileEdit(key.PublicKeyPath, guestPath + ".pub", Mode0644);
        }
    }

    /// <summary>
    /// The login user, its sudo rights and its key, written as files whatever the root's age. The owners come from the
    /// guest's own account files, so ids resolve as the guest sees them.
    /// </summary>
    /// <param name="identity">The user and its key.</param>
    /// <param name="accounts">The guest's account files.</param>
    /// <param name="skeleton">The regular files of /etc/skel, copied into a new user's home.</param>
    /// <param name="adminGroup">The group whose members administer the machine ("sudo" in Debian, "wheel" in Arch).</param>
    public IEnumerable<RootEdit> LoginUser(GuestIdentity identity, AccountFiles accounts, IReadOnlyList<RootFile> skeleton, string adminGroup)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(skeleton);
        var changes = LoginAccounts.Plan(identity.UserName, accounts, adminGroup);
        foreach (var table in changes.ChangedFiles)
        {
            var shadowFile = table.File.GuestPath is AccountFiles.ShadowPath or AccountFiles.GshadowPath;
            yield return new WriteFileEdit(table.File.GuestPath, table.Content, table.File.Mode, shadowFile ? new RootOwner(0, changes.ShadowGid) : RootOwner.Root);
        }

        var account = changes.Account;
        var owner = new RootOwner(account.Uid, account.Gid);
        var home = account.Home.TrimEnd('/');
        if (account.IsNew)
        {
            // What useradd -m does: the home from /etc/skel (umask 022: 0755).
            yield return new CreateDirectoryEdit(home, Mode0755, owner);
            foreach (var file in skeleton)
            {
                yield return new WriteFileEdit($"{home}/{Path.GetFileName(file.GuestPath)}", file.Content, file.Mode & Mode0755, owner);
            }
        }

        yield return Write($"/etc/sudoers.d/diskless", "sudoers.liquid", new SudoersModel(account.Name), Mode0440);
        var ssh = home + "/.ssh";
        yield return new CreateDirectoryEdit(ssh, Mode0700, owner);
        yield return Write($"{ssh}/authorized_keys", "authorized_keys.liquid", new AuthorizedKeysModel(identity.AuthorizedPublicKey.Trim()), Mode0600, owner);
    }

    /// <summary>The guest's service that keeps its cached FUSE inodes within the host's bound (fuse-reclaim.liquid).</summary>
    public const string FuseReclaimUnit = "diskless-fuse-reclaim.service";

    /// <summary>The script <see cref="FuseReclaimUnit"/> runs.</summary>
    public const string FuseReclaimScript = "/usr/local/sbin/diskless-fuse-reclaim";

    /// <summary>
    /// The script and unit that drop the guest's unused dentries and inodes whenever it caches more FUSE inodes than the
    /// bound the provider puts on the kernel command line (<see cref="GuestKernelArguments.FuseInodes"/>), enabled
    /// early in sysinit: a virtiofsd holds one host descriptor per inode the guest caches.
    /// </summary>
    public IEnumerable<RootEdit> FuseReclaim()
    {
        yield return Write(FuseReclaimScript, "fuse-reclaim.liquid", new FuseReclaimModel(GuestKernelArguments.FuseInodes, "/run/diskless-fuse-reclaim.tick"), Mode0755);
        var unit = $"{SystemdLinks.AdminUnits}/{FuseReclaimUnit}";
        yield return Write(unit, "fuse-reclaim.service.liquid", new FuseReclaimUnitModel(FuseReclaimScript));
        yield return new SymlinkEdit($"{SystemdLinks.AdminUnits}/sysinit.target.wants/{FuseReclaimUnit}", unit);
    }

    /// <summary>An empty machine-id makes systemd generate a new one on first boot: every clone of a base gets its own.</summary>
    public static IEnumerable<RootEdit> MachineId()
    {
        yield return new WriteFileEdit("/etc/machine-id", "", Mode0444);
        // dbus falls back to /etc/machine-id when its own copy is absent.
        yield return new DeleteFileEdit("/var/lib/dbus/machine-id");
    }
}
