namespace Diskless.PluginSupport.Configure;

// One view model per template of this assembly's Templates/, read in snake_case by the host's template engine
// (public: it reads them by reflection from another assembly).

/// <summary>hostname.liquid and hosts.liquid.</summary>
public sealed record HostnameModel(string Hostname);

/// <summary>resolv.conf.liquid.</summary>
public sealed record ResolvConfModel(IReadOnlyList<string> Nameservers);

/// <summary>fstab.liquid: the root (documented only) and the synced folders.</summary>
public sealed record FstabModel(string RootTag, string RootTransport, IReadOnlyList<FstabMount> Mounts);

/// <summary>
/// One share line of fstab.liquid (a synced folder, or a folder of the root served apart: <see cref="PartOfRoot"/>);
/// <see cref="GuestPath"/> is already fstab-escaped.
/// </summary>
public sealed record FstabMount(string Tag, string GuestPath, bool IsNineP, int Msize, bool ReadOnly, bool PartOfRoot = false);

/// <summary>timezone.liquid.</summary>
public sealed record TimezoneModel(string Timezone);

/// <summary>wired.network.liquid: DHCP, or a fixed address when <see cref="Address"/> is set.</summary>
public sealed record WiredNetworkModel(string InterfaceMatch, string Address, string Gateway, IReadOnlyList<string> Nameservers);

/// <summary>sshd-diskless.conf.liquid: the guest paths of the host keys sshd offers.</summary>
public sealed record SshdModel(IReadOnlyList<string> HostKeys, string PermitRootLogin);

/// <summary>sudoers.liquid.</summary>
public sealed record SudoersModel(string User);

/// <summary>authorized_keys.liquid.</summary>
public sealed record AuthorizedKeysModel(string PublicKey);

/// <summary>cmdline.liquid: the root share, and the fixed address (when the initramfs sets it) as the kernel's ip=.</summary>
public sealed record KernelCommandLineModel(string RootTag, bool IsNineP, int Msize, bool HasStaticAddress, string Address, string Gateway, string Netmask, string Interface);

/// <summary>locale.liquid (Debian's /etc/default/locale, Arch's /etc/locale.conf).</summary>
public sealed record LocaleModel(string Lang);

/// <summary>locale.gen.liquid.</summary>
public sealed record LocaleGenModel(string Locale, string Charset);

/// <summary>fuse-reclaim.liquid: the kernel argument that carries the bound, and the fifo the script sleeps on.</summary>
public sealed record FuseReclaimModel(string KernelArgument, string Tick);

/// <summary>fuse-reclaim.service.liquid: the script the unit runs.</summary>
public sealed record FuseReclaimUnitModel(string Script);

/// <summary>Templates that are plain files.</summary>
public sealed record NoModel;
