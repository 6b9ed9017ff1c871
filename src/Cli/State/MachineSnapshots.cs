using System.Text.RegularExpressions;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>A snapshot of a machine's root: its name, folder and when it was taken.</summary>
internal sealed record SnapshotEntry(string Name, string Path, DateTimeOffset Created);

/// <summary>
/// A machine's snapshots, in its folder of the data dir: <c>machines/&lt;id&gt;/snapshots/&lt;name&gt;</c>, next to its
/// root, so they go with the machine. On btrfs a snapshot is a read-only subvolume snapshot (atomic, even while the
/// guest writes; shares every block); where the filesystem shares blocks between files it is a reflink copy; elsewhere
/// a full copy, with a warning of its cost. Every operation acts on the tree as its owner: guest root in the machine's
/// namespace, or root for a host-owned root.
/// </summary>
internal sealed partial class MachineSnapshots(MachineRecord record, IHostServices host)
{
    /// <summary>The folder inside the machine's data folder that holds its snapshots.</summary>
    public const string FolderName = "snapshots";

    /// <summary>What a snapshot name may be.</summary>
    public const string NameRule = "use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters";

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private string MachineDataDirectory => System.IO.Path.GetDirectoryName(record.RootPath)!;

    /// <summary><c>machines/&lt;id&gt;/snapshots</c>.</summary>
    public string Folder => System.IO.Path.Combine(MachineDataDirectory, FolderName);

    /// <summary>The machine's snapshots, oldest first.</summary>
    public IReadOnlyList<SnapshotEntry> List()
    {
        var folder = new DirectoryInfo(Folder);
        if (!folder.Exists || folder.LinkTarget is not null)
        {
            return [];
        }

        return [.. folder.EnumerateDirectories()
            .Where(d => d.LinkTarget is null && IsName(d.Name))
            .Select(d => new SnapshotEntry(d.Name, d.FullName, new DateTimeOffset(d.CreationTimeUtc, TimeSpan.Zero)))
            .OrderBy(s => s.Created)
            .ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>The machine's snapshots with what each holds on the host (<see cref="DiskUsage"/>), oldest first.</summary>
    public async Task<IReadOnlyList<(SnapshotEntry Snapshot, UsageFigures Usage)>> MeasureAsync(CancellationToken cancellationToken)
    {
        var measured = new List<(SnapshotEntry, UsageFigures)>();
        foreach (var snapshot in List())
        {
            measured.Add((snapshot, await DiskUsage.MeasureAsync(snapshot.Path, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false)));
        }

        return measured;
    }

    /// <summary>The snapshot named <paramref name="name"/>, or an error that lists the ones there are.</summary>
    public SnapshotEntry Require(string name)
    {
        RequireName(name);
        return List().FirstOrDefault(s => s.Name == name)
            ?? throw new DisklessException(
                $"Machine '{record.Name}' has no snapshot named '{name}'.",
                List() is { Count: > 0 } all ? "its snapshots: " + string.Join(", ", all.Select(s => s.Name)) : $"save one first: diskless snapshot save {name}",
                ExitCodes.Usage);
    }

    /// <summary>Takes the snapshot <paramref name="name"/> of the root as it is now; returns how ("btrfs snapshot", "reflink copy", "copy").</summary>
    public async Task<string> SaveAsync(string name, CancellationToken cancellationToken)
    {
        RequireName(name);
        var destination = System.IO.Path.Combine(Folder, name);
        if (Path.Exists(destination))
        {
            throw new DisklessException($"Machine '{record.Name}' already has a snapshot named '{name}'.", $"choose another name, or delete it first: diskless snapshot delete {name}", ExitCodes.Usage);
        }

        Directory.CreateDirectory(Folder, FolderMode);
        if (host.Namespace is { } userNamespace)
        {
            await GuestRootFolders.EnsureReachableAsync(Folder, userNamespace, host.Commands, cancellationToken).ConfigureAwait(false);
        }

        if (await IsSubvolumeAsync(record.RootPath, cancellationToken).ConfigureAwait(false))
        {
            using var stage = host.Progress.BeginStage($"Saving snapshot {name} (read-only btrfs snapshot)");
            await host.Commands.RunAsync(
                Btrfs.AsOwner(new CommandSpec("btrfs", "subvolume", "snapshot", "-r", record.RootPath, destination) { Description = "snapshot of " + record.RootPath }, host.Namespace),
                cancellationToken).ConfigureAwait(false);
            return RootCloner.Snapshot;
        }

        var kind = await RootCloner.CopyKindAsync(Folder, host.Commands, cancellationToken).ConfigureAwait(false);
        if (!kind.Reflink)
        {
            host.Progress.Warn(
                $"{Folder} is on a filesystem that neither snapshots nor shares blocks between copies: snapshot {name} is a full copy of the root, "
                + "as large as the root itself and as slow to make (a btrfs or XFS data dir makes it instant and free)");
        }

        using (host.Progress.BeginStage($"Saving snapshot {name} ({(kind.Reflink ? RootCloner.Reflink : RootCloner.Copy)})"))
        {
            await RootCloner.CopyTreeAsync(record.RootPath, destination, kind, host.Commands, host.Progress, host.Namespace, cancellationToken).ConfigureAwait(false);
        }

        return kind.Reflink ? RootCloner.Reflink : RootCloner.Copy;
    }

    /// <summary>
    /// Makes the root what snapshot <paramref name="name"/> holds (the machine must be stopped). The new root is made
    /// beside the old one first, so a failure leaves the old root as it was; <paramref name="sizeLimit"/> is set on it again.
    /// </summary>
    public async Task RestoreAsync(string name, long? sizeLimit, CancellationToken cancellationToken)
    {
        var snapshot = Require(name);
        var staging = record.RootPath + ".restoring";
        if (host.Namespace is { } userNamespace)
        {
            // Guest root makes the new root beside the old one: the machine's folder must be in its reach.
            await GuestRootFolders.EnsureReachableAsync(MachineDataDirectory, userNamespace, host.Commands, cancellationToken).ConfigureAwait(false);
        }

        if (Path.Exists(staging))
        {
            await FolderRemover.RemoveAsync(staging, MachineDataDirectory, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (await IsSubvolumeAsync(snapshot.Path, cancellationToken).ConfigureAwait(false))
            {
                using var stage = host.Progress.BeginStage($"Restoring snapshot {name} (btrfs snapshot)");
                await host.Commands.RunAsync(
                    Btrfs.AsOwner(new CommandSpec("btrfs", "subvolume", "snapshot", snapshot.Path, staging) { Description = "writable snapshot of " + snapshot.Path }, host.Namespace),
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var kind = await RootCloner.CopyKindAsync(MachineDataDirectory, host.Commands, cancellationToken).ConfigureAwait(false);
                using var stage = host.Progress.BeginStage($"Restoring snapshot {name} ({(kind.Reflink ? RootCloner.Reflink : RootCloner.Copy)})");
                await RootCloner.CopyTreeAsync(snapshot.Path, staging, kind, host.Commands, host.Progress, host.Namespace, cancellationToken).ConfigureAwait(false);
            }

            if (sizeLimit is { } limit)
            {
                await RootQuota.LimitAsync(staging, limit, host.Commands, host.Progress, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await FolderRemover.RemoveAsync(staging, MachineDataDirectory, host.Commands, host.Namespace, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await FolderRemover.RemoveAsync(record.RootPath, MachineDataDirectory, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
        // Same parent, so a rename: it needs no write permission on the moved folder itself.
        Directory.Move(staging, record.RootPath);
    }

    /// <summary>Deletes snapshot <paramref name="name"/> (never crossing a mount point, never following a link out).</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var snapshot = Require(name);
        await FolderRemover.RemoveAsync(snapshot.Path, Folder, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="name"/> is a valid snapshot name.</summary>
    public static bool IsName(string name) => Pattern().IsMatch(name);

    private static void RequireName(string name)
    {
        if (!IsName(name))
        {
            throw new DisklessException($"'{name}' is not a snapshot name", NameRule, ExitCodes.Usage);
        }
    }

    private async Task<bool> IsSubvolumeAsync(string path, CancellationToken cancellationToken) =>
        FileStatus.Read(path, followLinks: false) is { IsDirectory: true, Inode: 256 }
        && await Btrfs.IsFileSystemAsync(path, host.Commands, cancellationToken).ConfigureAwait(false);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
