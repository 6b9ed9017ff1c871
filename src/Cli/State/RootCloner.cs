using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// Makes a machine's root filesystem from a base, by what the data dir's filesystem offers: a btrfs snapshot when the
/// base is a subvolume (instant, shares every block), else a copy that shares blocks (<c>cp --reflink=always</c>:
/// btrfs, XFS), else a plain copy. On btrfs the root is always a subvolume of its own, so it can carry a quota and be
/// snapshotted. A failed or cancelled clone leaves nothing behind.
/// </summary>
public static class RootCloner
{
    /// <summary>The method name returned for a btrfs snapshot.</summary>
    public const string Snapshot = "btrfs snapshot";

    /// <summary>The method name returned for a copy whose files share their blocks with the base's.</summary>
    public const string Reflink = "reflink copy";

    /// <summary>The method name returned for a plain copy.</summary>
    public const string Copy = "copy";

    private const UnixFileMode RootMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Clones <paramref name="source"/> into <paramref name="destination"/>, which must not exist; returns the method used.</summary>
    public static Task<string> CloneAsync(
        string source, string destination, ICommandRunner runner, IProgressReporter progress, CancellationToken cancellationToken) =>
        CloneAsync(source, destination, runner, progress, null, cancellationToken);

    /// <summary>
    /// Clones <paramref name="source"/> into <paramref name="destination"/>, which must not exist; returns the method
    /// used. With <paramref name="userNamespace"/> the base belongs to the machine's subordinate ids: the snapshot or
    /// copy runs inside the namespace as guest root (never host root, never sudo), which keeps every owner as it is,
    /// and the new root's "/" is guest root's. The folders above must be reachable by guest root
    /// (<see cref="GuestRootFolders.EnsureDataDirectoryReachableAsync"/>).
    /// </summary>
    public static async Task<string> CloneAsync(
        string source, string destination, ICommandRunner runner, IProgressReporter progress, IUserNamespace? userNamespace, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(progress);
        source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source));
        destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        if (!Directory.Exists(source))
        {
            throw new DisklessException($"cannot clone {source}: the folder does not exist");
        }

        if (Directory.Exists(destination) || File.Exists(destination))
        {
            throw new DisklessException($"cannot clone into {destination}: it already exists", $"remove it first: rm -rf {destination}");
        }

        var parent = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(parent);
        if (await Btrfs.IsSubvolumeAsync(source, runner, cancellationToken).ConfigureAwait(false)
            && await Btrfs.IsFileSystemAsync(parent, runner, cancellationToken).ConfigureAwait(false)
            && await TrySnapshotAsync(source, destination, parent, runner, progress, userNamespace, cancellationToken).ConfigureAwait(false))
        {
            return Snapshot;
        }

        var copy = await CopyKindAsync(parent, runner, cancellationToken).ConfigureAwait(false);
        await CopyAsync(source, destination, parent, copy, runner, progress, userNamespace, cancellationToken).ConfigureAwait(false);
        return copy.Reflink ? Reflink : Copy;
    }

    /// <summary>How a copy into <paramref name="parent"/> is made: sharing blocks or not, into a new subvolume (btrfs) or a folder.</summary>
    internal static async Task<CopyKind> CopyKindAsync(string parent, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var onBtrfs = await Btrfs.IsFileSystemAsync(parent, runner, cancellationToken).ConfigureAwait(false);
        return new CopyKind(onBtrfs || await Reflinks.SupportedAsync(parent, cancellationToken).ConfigureAwait(false), onBtrfs);
    }

    /// <summary>
    /// Copies the tree <paramref name="source"/> into <paramref name="destination"/> (which must not exist) as
    /// <paramref name="kind"/> says, as guest root in <paramref name="userNamespace"/> or as root; removes what it made on failure.
    /// The copy runs confined to the nearest folder holding both (<see cref="ConfinedCopy"/>): a running guest can swap a
    /// folder of its root for a link while cp walks it, and what cp then reads is resolved where nothing of the host is.
    /// </summary>
    internal static async Task CopyTreeAsync(
        string source, string destination, CopyKind kind, ICommandRunner runner, IProgressReporter progress, IUserNamespace? userNamespace, CancellationToken cancellationToken) =>
        await CopyAsync(source, destination, Path.GetDirectoryName(destination)!, kind, runner, progress, userNamespace, cancellationToken, confined: true).ConfigureAwait(false);

    private static async Task<bool> TrySnapshotAsync(
        string source, string destination, string parent, ICommandRunner runner, IProgressReporter progress, IUserNamespace? userNamespace, CancellationToken cancellationToken)
    {
        using var stage = progress.BeginStage("Cloning root filesystem (btrfs snapshot)");
        try
        {
            if (userNamespace is not null)
            {
                // The snapshot is made by guest root, into the machine's folder: root's own folder is out of its reach
                // until root hands it over (an ordinary user's is guest 1000's, which it reaches already).
                await GuestRootFolders.EnsureReachableAsync(parent, userNamespace, runner, cancellationToken).ConfigureAwait(false);
            }

            var snapshot = new CommandSpec("btrfs", "subvolume", "snapshot", source, destination) { Description = "btrfs snapshot" };
            await runner.RunAsync(userNamespace is null ? snapshot with { RequiresRoot = true } : userNamespace.Enter(snapshot), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CommandFailedException e)
        {
            // Two btrfs filesystems, for instance, or (in a user namespace) a machine folder guest root may not write
            // into, which is root's when root runs diskless: a copy still works.
            stage.Fail();
            progress.Warn($"btrfs snapshot{(userNamespace is null ? "" : " in the machine's user namespace")} failed ({e.OutputTail.LastOrDefault(l => l.StartsWith("ERROR", StringComparison.Ordinal)) ?? e.OutputTail.LastOrDefault() ?? e.Message}); copying instead");
            await RemovePartialAsync(destination, parent, runner, userNamespace).ConfigureAwait(false);
            return false;
        }
        catch
        {
            stage.Fail();
            await RemovePartialAsync(destination, parent, runner, userNamespace).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task CopyAsync(
        string source, string destination, string parent, CopyKind kind, ICommandRunner runner, IProgressReporter progress, IUserNamespace? userNamespace, CancellationToken cancellationToken,
        bool confined = false)
    {
        using var stage = progress.BeginStage($"Cloning root filesystem ({(kind.Reflink ? Reflink : Copy)})");
        try
        {
            // Guests are served this folder as "/": it must be 0755 even before cp sets it from the source. On btrfs it
            // is a subvolume of its own (made as this process, like a folder), so it can carry a quota and be snapshotted.
            if (kind.Subvolume)
            {
                await runner.RunAsync(new CommandSpec("btrfs", "subvolume", "create", destination) { Description = "a subvolume for " + destination }, cancellationToken).ConfigureAwait(false);
                File.SetUnixFileMode(Directory.CreateDirectory(destination, RootMode).FullName, RootMode);
            }
            else
            {
                Directory.CreateDirectory(destination, RootMode);
            }

            var copy = confined
                ? ConfinedCopy.Command(source, destination, kind.Reflink)
                : new CommandSpec("cp", "-a", kind.Reflink ? "--reflink=always" : "--reflink=auto", "--one-file-system", source + "/.", destination) { Description = "copy of " + source };
            if (userNamespace is null)
            {
                await runner.RunAsync(copy with { RequiresRoot = true }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Guest root must be able to write into the new "/" (root's own folder is not in its reach).
                await GuestRootFolders.HandOverAsync(destination, userNamespace, runner, cancellationToken).ConfigureAwait(false);
                await runner.RunAsync(userNamespace.Enter(copy), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            stage.Fail();
            await RemovePartialAsync(destination, parent, runner, userNamespace).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task RemovePartialAsync(string destination, string parent, ICommandRunner runner, IUserNamespace? userNamespace)
    {
        // Not the caller's token: after a Ctrl-C the half copy must still go.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await FolderRemover.RemoveAsync(destination, parent, runner, userNamespace, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DisklessException or OperationCanceledException)
        {
            // The original failure matters more; a leftover half copy is reported by the next attempt ("already exists").
        }
    }
}

/// <summary>How a tree is copied: sharing its blocks with the original (<paramref name="Reflink"/>), into a new btrfs subvolume (<paramref name="Subvolume"/>).</summary>
internal sealed record CopyKind(bool Reflink, bool Subvolume);
