using Diskless.Abstractions;
using Diskless.PluginSupport.Accounts;

namespace Diskless.PluginSupport.Configure;

/// <summary>
/// Reads what every distro's planner needs from a machine root (reads only). Every read goes through
/// <see cref="IRootFiles"/> with a size limit: after the first boot the guest may have made any of these files huge,
/// a link, a fifo or a device node.
/// </summary>
public static class SharedRootReads
{
    private const string Skeleton = "/etc/skel";
    private const int MaxSkeletonFiles = 64;

    /// <summary>The most a probe reads of one small configuration file.</summary>
    public const long MaxSmallFile = 1024 * 1024;

    /// <summary>The account databases as the guest left them; passwd and group must exist.</summary>
    public static async Task<AccountFiles> AccountsAsync(IRootFiles root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new AccountFiles(
            await root.ReadAsync(AccountFiles.PasswdPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(root, AccountFiles.PasswdPath),
            await root.ReadAsync(AccountFiles.GroupPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(root, AccountFiles.GroupPath),
            await root.ReadAsync(AccountFiles.ShadowPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false),
            await root.ReadAsync(AccountFiles.GshadowPath, AccountFiles.MaxBytes, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Guest paths of the host keys already in /etc/ssh (a package's install script may have made some).</summary>
    public static async Task<IReadOnlyList<string>> SshHostKeyFilesAsync(IRootFiles root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        return (await root.ListFilesAsync("/etc/ssh", cancellationToken).ConfigureAwait(false))
            .Where(name => name.StartsWith("ssh_host_", StringComparison.Ordinal))
            .Select(name => "/etc/ssh/" + name)
            .ToList();
    }

    /// <summary>The top-level regular files of /etc/skel (.bashrc, .profile, .bash_logout); links and folders are skipped.</summary>
    public static async Task<IReadOnlyList<RootFile>> SkeletonAsync(IRootFiles root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
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
