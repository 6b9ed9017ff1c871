using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// Removes one base that no machine uses, for <c>prune</c>. It takes the base's lock exclusively and does not wait:
/// a base being built or cloned (its lock held, shared by cloners, see <see cref="BaseCache.LeaseAsync"/>) is left
/// alone. Under the lock it moves the base out of <c>bases/</c> into <c>tmp/</c> (same filesystem: one rename)
/// before deleting it, so no command ever finds a half-deleted base there; a prune that dies mid-delete leaves its
/// remains in <c>tmp/</c>, named after the key, where the next prune (<see cref="RemoveLeftoversAsync"/>) or the
/// next build of that key removes them.
/// </summary>
internal sealed class BasePruner(IHostServices host)
{
    private const string Marker = ".pruned-";

    /// <summary>Called once the base is out of <c>bases/</c> and before it is deleted (tests hold a prune there).</summary>
    internal Func<string, CancellationToken, Task>? BeforeDelete { get; init; }

    /// <summary>Removes base <paramref name="key"/> and returns the bytes freed; null when it is in use or locked, and kept.</summary>
    public async Task<long?> TryRemoveAsync(string key, CancellationToken cancellationToken)
    {
        MachineLock held;
        try
        {
            held = await MachineLock.AcquireAsync(BaseCache.LockDirectory(host.Paths, key), $"diskless prune: remove base {key}", cancellationToken).ConfigureAwait(false);
        }
        catch (DisklessException e) when (e.ExitCode == ExitCodes.Locked)
        {
            return null;
        }

        await using (held)
        {
            var folder = Path.Combine(host.Paths.BasesDirectory, key);
            // A machine may have started using it since the listing: read the markers again under the lock. Cloners
            // write theirs before they let go of the lock, so every clone that read this base is counted here.
            if (BaseUsage.Read(host.Paths.MachinesDirectory).Values.Contains(key) || new FileInfo(folder).LinkTarget is not null || !Directory.Exists(folder))
            {
                return null;
            }

            // Nor a base another was derived from since the listing (a derivation lets go of its parent's lock once
            // cloned): a parent goes only after its children, with them.
            if (BaseRecords.Parents(host.Paths).Any(p => p.Value == key && p.Key != key))
            {
                return null;
            }

            var usage = await DiskUsage.MeasureAsync(folder, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
            DataDirectory.EnsureCreated(host.Paths);
            if (host.Namespace is { } userNamespace)
            {
                // Guest root renames the base (its "/" is guest root's): tmp/ must be in its reach.
                await GuestRootFolders.EnsureDataDirectoryReachableAsync(host.Paths, userNamespace, host.Commands, cancellationToken).ConfigureAwait(false);
            }

            var removing = Path.Combine(host.Paths.TempDirectory, $"{key}{Marker}{Guid.NewGuid().ToString("n")[..8]}");
            await MoveOutAsync(folder, removing, key, cancellationToken).ConfigureAwait(false);
            // Out of bases/, the record goes too: a record never names a base that is not there.
            BaseRecords.Delete(host.Paths, key);
            using (host.Progress.BeginStage($"Removing base {key}"))
            {
                if (BeforeDelete is { } hook)
                {
                    await hook(removing, cancellationToken).ConfigureAwait(false);
                }

                await FolderRemover.RemoveAsync(removing, host.Paths.TempDirectory, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
            }

            return usage.Exclusive;
        }
    }

    /// <summary>
    /// Removes what interrupted prunes left in <c>tmp/</c>, each under its key's lock (a build of that key, which
    /// removes them too, may be running); returns how many were removed.
    /// </summary>
    public async Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(host.Paths.TempDirectory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var leftover in Directory.EnumerateDirectories(host.Paths.TempDirectory, "*" + Marker + "*").Order(StringComparer.Ordinal).ToList())
        {
            var name = Path.GetFileName(leftover);
            var key = name[..name.LastIndexOf(Marker, StringComparison.Ordinal)];
            try
            {
                await using var held = await MachineLock.AcquireAsync(BaseCache.LockDirectory(host.Paths, key), $"diskless prune: remove what an interrupted prune left of base {key}", cancellationToken).ConfigureAwait(false);
                host.Progress.Info($"Removing what an interrupted prune left of base {key}: {leftover}");
                await FolderRemover.RemoveAsync(leftover, host.Paths.TempDirectory, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
                removed++;
            }
            catch (DisklessException e) when (e.ExitCode == ExitCodes.Locked)
            {
                // Another command has the key: a build removes these remains itself.
            }
        }

        return removed;
    }

    /// <summary>
    /// A base on btrfs is a read-only subvolume, and a read-only subvolume cannot change parents (its ".." is part of
    /// it: EROFS), so the flag is cleared first, under the lock, and set again if the move fails.
    /// </summary>
    private async Task MoveOutAsync(string folder, string removing, string key, CancellationToken cancellationToken)
    {
        var subvolume = await Btrfs.IsSubvolumeAsync(folder, host.Commands, cancellationToken).ConfigureAwait(false);
        if (subvolume)
        {
            await host.Commands.RunAsync(Btrfs.ReadOnly(folder, readOnly: false, host.Namespace), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await DataDirectoryMove.MoveAsync(folder, removing, host, $"move base {key} out of the cache", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (subvolume)
        {
            try
            {
                await host.Commands.RunAsync(Btrfs.ReadOnly(folder, readOnly: true, host.Namespace), CancellationToken.None).ConfigureAwait(false);
            }
            catch (CommandFailedException)
            {
                // The move's failure is the one to report; the base stays usable, only no longer read-only.
            }

            throw;
        }
    }
}
