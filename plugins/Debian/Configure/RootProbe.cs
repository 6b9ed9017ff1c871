using Diskless.Abstractions;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>Reads the <see cref="RootFacts"/> of a machine root (reads only, through <see cref="SharedRootReads"/>'s limits).</summary>
internal static class RootProbe
{
    public static async Task<RootFacts> ReadAsync(IRootFiles root, CancellationToken cancellationToken) =>
        new(
            await SharedRootReads.AccountsAsync(root, cancellationToken).ConfigureAwait(false),
            await SharedRootReads.SkeletonAsync(root, cancellationToken).ConfigureAwait(false),
            await root.ExistsAsync("/usr/sbin/locale-gen", cancellationToken).ConfigureAwait(false),
            (await root.ReadAsync("/etc/locale.gen", SharedRootReads.MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content,
            (await root.ReadAsync("/etc/initramfs-tools/modules", SharedRootReads.MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content,
            await SharedRootReads.SshHostKeyFilesAsync(root, cancellationToken).ConfigureAwait(false));
}
