using Diskless.Abstractions;
using Diskless.Plugins.Debian.Configure.Accounts;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Reads the <see cref="RootFacts"/> of a machine root (reads only). Every read goes through
/// <see cref="MachineRoot"/> with a size limit: after the first boot the guest may have made any of these files
/// huge, a link, a fifo or a device node.
/// </summary>
internal static class RootProbe
{
    private const string Skeleton = "/etc/skel";
    private const int MaxSkeletonFiles = 64;
    private const long MaxSmallFile = 1024 * 1024;

    public static async Task<RootFacts> ReadAsync(MachineRoot root, string userName, CancellationToken cancellationToken)
    {
        var accounts = new AccountFiles(
            await ReadAsync(root, AccountFiles.PasswdPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(root, AccountFiles.PasswdPath),
            await ReadAsync(root, AccountFiles.GroupPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(root, AccountFiles.GroupPath),
            await ReadAsync(root, AccountFiles.ShadowPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false),
            await ReadAsync(root, AccountFiles.GshadowPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false));

        var sshDirectory = root.Resolve("/etc/ssh");
        var hostKeys = Directory.Exists(sshDirectory)
            ? Directory.EnumerateFiles(sshDirectory, "ssh_host_*")
                .Select(f => "/etc/ssh/" + Path.GetFileName(f))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return new RootFacts(
            accounts,
            await SkeletonAsync(root, cancellationToken).ConfigureAwait(false),
            root.Exists("/usr/sbin/locale-gen"),
            (await ReadAsync(root, "/etc/locale.gen", MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content,
            (await ReadAsync(root, "/etc/initramfs-tools/modules", MaxSmallFile, cancellationToken).ConfigureAwait(false))?.Content,
            hostKeys);
    }

    /// <summary>A file's content and mode; null when nothing (or a folder) is there.</summary>
    private static async Task<GuestFile?> ReadAsync(MachineRoot root, string guestPath, long maxBytes, CancellationToken cancellationToken)
    {
        var hostPath = root.Resolve(guestPath);
        if (!File.Exists(hostPath))
        {
            return null;
        }

        var content = await root.ReadFileAsync(guestPath, maxBytes, cancellationToken).ConfigureAwait(false);
        return new GuestFile(guestPath, content, File.GetUnixFileMode(hostPath));
    }

    /// <summary>The top-level regular files of /etc/skel (.bashrc, .profile, .bash_logout); links and folders are skipped.</summary>
    private static async Task<IReadOnlyList<GuestFile>> SkeletonAsync(MachineRoot root, CancellationToken cancellationToken)
    {
        var folder = root.Resolve(Skeleton);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var files = new List<GuestFile>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFiles().Where(f => f.LinkTarget is null).OrderBy(f => f.Name, StringComparer.Ordinal).Take(MaxSkeletonFiles))
        {
            if (entry.Name.Any(char.IsControl))
            {
                continue;
            }

            var file = await ReadAsync(root, $"{Skeleton}/{entry.Name}", MaxSmallFile, cancellationToken).ConfigureAwait(false);
            if (file is not null)
            {
                files.Add(file);
            }
        }

        return files;
    }

    private static DisklessException Missing(MachineRoot root, string guestPath) =>
        new($"The machine root {root.Path} has no {guestPath}.", "The root is damaged: `diskless destroy` and `diskless up` build it again.");
}
