namespace Diskless.Plugins.Debian.Configure;

// One view model per template in Templates/; templates read the properties in snake_case.
// They are public because the host's template engine reads them by reflection from another assembly.

/// <summary>hostname.liquid and hosts.liquid.</summary>
public sealed record HostnameModel(string Hostname);

/// <summary>resolv.conf.liquid.</summary>
public sealed record ResolvConfModel(IReadOnlyList<string> Nameservers);

/// <summary>fstab.liquid: the root (documented only) and the synced folders.</summary>
public sealed record FstabModel(string RootTag, string RootTransport, IReadOnlyList<FstabMount> Mounts);

/// <summary>One synced folder line of fstab.liquid; <see cref="GuestPath"/> is already fstab-escaped.</summary>
public sealed record FstabMount(string Tag, string GuestPath, bool IsNineP, int Msize, bool ReadOnly);

/// <summary>initramfs-modules.liquid.</summary>
public sealed record InitramfsModulesModel(IReadOnlyList<string> Modules);

/// <summary>initramfs-conf.liquid.</summary>
public sealed record InitramfsConfModel(string Modules);

/// <summary>sources.list.liquid.</summary>
public sealed record AptSourcesModel(string Mirror, string SecurityMirror, string Release, string Components, bool HasUpdates, bool HasSecurity);

/// <summary>locale.liquid (/etc/default/locale).</summary>
public sealed record LocaleModel(string Lang);

/// <summary>locale.gen.liquid.</summary>
public sealed record LocaleGenModel(string Locale, string Charset);

/// <summary>locale-gen.service.liquid: the flag file whose presence makes the guest generate its locales.</summary>
public sealed record LocaleGenUnitModel(string Pending);

/// <summary>timezone.liquid.</summary>
public sealed record TimezoneModel(string Timezone);

/// <summary>wired.network.liquid.</summary>
public sealed record WiredNetworkModel(string InterfaceMatch);

/// <summary>sshd-diskless.conf.liquid: the guest paths of the host keys sshd offers.</summary>
public sealed record SshdModel(IReadOnlyList<string> HostKeys, string PermitRootLogin);

/// <summary>sudoers.liquid.</summary>
public sealed record SudoersModel(string User);

/// <summary>authorized_keys.liquid.</summary>
public sealed record AuthorizedKeysModel(string PublicKey);

/// <summary>cmdline.liquid: the root share, and the fixed address (when the provider gives one) as the kernel's ip=.</summary>
public sealed record KernelCommandLineModel(string RootTag, bool IsNineP, int Msize, bool HasStaticAddress, string Address, string Gateway, string Netmask, string Interface);

/// <summary>Templates that are plain files: initramfs-network, masked-generators, modprobe-blacklist, ssh-service.conf.</summary>
public sealed record NoModel;
