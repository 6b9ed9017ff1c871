using Diskless.Abstractions;
using Diskless.PluginSupport.Accounts;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>What the planner needs to know about a machine root before changing it (read by <see cref="RootProbe"/>).</summary>
/// <param name="Accounts">The account databases, as the guest left them.</param>
/// <param name="Skeleton">The regular files of /etc/skel, copied into a new user's home.</param>
/// <param name="HasLocaleGen">Whether the locales package (locale-gen) is installed.</param>
/// <param name="LocaleGen">/etc/locale.gen as it is; null when absent.</param>
/// <param name="InitramfsModules">/etc/initramfs-tools/modules as it is; null when absent.</param>
/// <param name="SshHostKeyFiles">Guest paths of the host keys already in /etc/ssh (openssh-server's postinst makes some).</param>
internal sealed record RootFacts(
    AccountFiles Accounts,
    IReadOnlyList<RootFile> Skeleton,
    bool HasLocaleGen,
    string? LocaleGen,
    string? InitramfsModules,
    IReadOnlyList<string> SshHostKeyFiles);
