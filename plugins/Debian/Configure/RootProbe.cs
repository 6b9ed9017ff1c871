using Diskless.Abstractions;
using Diskless.Plugins.Debian.Configure.Accounts;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Reads the <see cref="RootFacts"/> of a machine root (reads only). Every read goes through
/// <see cref="IRootFiles"/> with a size limit: after the first boot the guest may have made any of these files
/// huge, a link, a fifo or a device node.
/// </summary>
internal static class RootProbe
{
    private const string Skeleton = "/etc/skel";
    private const int MaxSkeletonFiles = 64;
    private const long MaxSmallFile = 1024 * 1024;

    public static async Task<RootFacts> ReadAsync(IRootFiles root, CancellationToken cancellationToken)
    {
        var accounts = new AccountFiles(
            await root.ReadAsync(AccountFiles.PasswdPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(root, AccountFiles.PasswdPath),
            await root.ReadAsync(AccountFiles.GroupPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(root, AccountFiles.GroupPath),
            await root.ReadAsync(AccountFiles.ShadowPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false),
            await root.ReadAsync(AccountFiles.GshadowPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false));

        var hostKeys = (await root.ListFilesAsync("/etc/ssh", cancellationToken).ConfigureAwait(false))
            .Where(name => name.StartsWith("ssh_host_", StringComparison.Ordinal))
            .Select(name => "/etc/ssh/" + name)
            .ToList();
        return new RootFacts(
            accounts,
            await SkeletonAsync(root, cancellationToken).ConfigureAwait(false),
            await root.ExistsAsync("/usr/sbin/locale-gen", cancellationToken).ConfigureAwait(false),
            (await root.ReadAsync("/etc/locale.gen", MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content,
            (await root.ReadAsync("/etc/initramfs-tools/modules", MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content,
            hostKeys);
    }

    /// <summary>The top-level regular files of /etc/skel (.bashrc, .profile, .bash_logout); links and folders are skipped.</summary>
    private static async Task<IReadOnlyList<RootFile>> SkeletonAsync(IRootFiles root, CancellationToken cancellationToken)
    {
        var files = new List<RootFile>();
        foreach (var name in (await root.ListFilesAsync(Skeleton, cancellationToken).ConfigureAwait(false)).Take(MaxSkeletonFiles))
        {
            if (name.Any(char.IsControl))
            {
                continue;
            }

            if (await root.ReadAsync($"{Skeleton}/{name}", MaxSmallFile, cancellationToken).ConfigureAwait(false) is { } file)
            {
                files.Add(file);
            }
        }

        return files;
    }

    private static DisklessException Missing(IRootFiles root, string guestPath) =>
        new($"The machine root {root.Path} has no {guestPath}.", "The root is damaged: `diskless destroy` and `diskless up` build it again.");
}
