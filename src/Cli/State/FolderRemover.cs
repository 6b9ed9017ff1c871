using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;

namespace Diskless.Cli.State;

/// <summary>
/// Removes a machine's folder for <c>destroy</c> and for failed first <c>up</c>s — and only that folder: never one
/// outside the allowed parent, never through a link, never into another filesystem mounted inside it.
/// </summary>
public static class FolderRemover
{
    private const int UnmountRounds = 5;

    /// <summary>
    /// Removes <paramref name="folder"/>, which must lie strictly inside <paramref name="mustBeUnder"/> once the links of
    /// its parent folders are resolved (the folder itself, if a link, is removed as a link). Anything mounted under it is
    /// unmounted first; if something stays mounted, nothing is deleted.
    /// </summary>
    public static Task<FolderRemoval> RemoveAsync(string folder, string mustBeUnder, ICommandRunner runner, CancellationToken cancellationToken) =>
        RemoveAsync(folder, mustBeUnder, runner, null, cancellationToken);

    /// <summary>
    /// Removes <paramref name="folder"/> like <see cref="RemoveAsync(string, string, ICommandRunner, CancellationToken)"/>.
    /// With <paramref name="userNamespace"/>, the folder holds a root of the machine's subordinate ids, which only the
    /// machine's own map covers entirely (S…S+65535; an ordinary user cannot remove them, and root need not be host
    /// root to): the removal runs inside the namespace as guest root, never through sudo. What guest root cannot
    /// remove there belongs to the caller (root's machine.json, the entries of root's own folders) and is removed by
    /// the caller afterwards.
    /// </summary>
    public static async Task<FolderRemoval> RemoveAsync(
        string folder, string mustBeUnder, ICommandRunner runner, IUserNamespace? userNamespace, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(mustBeUnder);
        ArgumentNullException.ThrowIfNull(runner);
        var target = FolderContainment.Inside(folder, mustBeUnder)
            ?? throw new DisklessException(
                $"refusing to remove {folder}: it is not inside {mustBeUnder}",
                "this is a bug or a tampered machine.json; remove the folder by hand if you are sure");

        var entry = new FileInfo(target);
        if (entry.LinkTarget is not null)
        {
            entry.Delete();
            return new FolderRemoval(target, RemovalMethod.SymbolicLink, []);
        }

        if (!Directory.Exists(target))
        {
            return new FolderRemoval(target, RemovalMethod.NothingThere, []);
        }

        var unmounted = await UnmountEverythingUnderAsync(target, runner, cancellationToken).ConfigureAwait(false);
        if (await Btrfs.IsFileSystemAsync(target, runner, cancellationToken).ConfigureAwait(false))
        {
            if (FileStatus.Read(target, followLinks: false) is { Inode: 256 }
                && await TryDeleteSubvolumeAsync(target, runner, userNamespace, cancellationToken).ConfigureAwait(false))
            {
                return new FolderRemoval(target, RemovalMethod.BtrfsSubvolume, unmounted);
            }

            // A machine's folder holds its root and its snapshots, each a subvolume: rm --one-file-system would skip
            // them (each is a device of its own), so they go first, as subvolumes.
            var mountPoints = MountTable.Read().Select(m => m.MountPoint).ToHashSet(StringComparer.Ordinal);
            foreach (var subvolume in Btrfs.SubvolumesInside(target, mountPoints))
            {
                if (!await TryDeleteSubvolumeAsync(subvolume, runner, userNamespace, cancellationToken).ConfigureAwait(false))
                {
                    // Where btrfs will not delete it (no user_subvol_rm_allowed), rm empties it and rmdir takes the
                    // empty subvolume; named as rm's own argument, --one-file-system does not skip it.
                    await RemoveTreeAsync(subvolume, runner, userNamespace, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await RemoveTreeAsync(target, runner, userNamespace, cancellationToken).ConfigureAwait(false);
        return new FolderRemoval(target, RemovalMethod.Removed, unmounted);
    }

    private static async Task RemoveTreeAsync(string target, ICommandRunner runner, IUserNamespace? userNamespace, CancellationToken cancellationToken)
    {
        if (userNamespace is null)
        {
            await runner.RunAsync(RemoveCommand(target) with { RequiresRoot = true }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RemoveInNamespaceAsync(target, runner, userNamespace, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RemoveInNamespaceAsync(string target, ICommandRunner runner, IUserNamespace userNamespace, CancellationToken cancellationToken)
    {
        var inside = await runner.RunAsync(userNamespace.Enter(RemoveCommand(target) with { SuccessExitCodes = [0, 1] }), cancellationToken).ConfigureAwait(false);
        if (!Path.Exists(target))
        {
            return;
        }

        try
        {
            await runner.RunAsync(RemoveCommand(target), cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            // Both attempts' words: guest root's say what the namespace could not reach, the caller's what it may not.
            var tail = (inside.StandardOutput + inside.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(10);
            throw new CommandFailedException(
                e.Command,
                e.CommandExitCode,
                [.. tail, .. e.OutputTail],
                $"{target} holds files that neither the machine's user namespace nor you can remove; remove them as root if you are sure: rm -rf --one-file-system {target}");
        }
    }

    // rm does not follow links, and --one-file-system keeps it out of anything mounted after our check.
    private static CommandSpec RemoveCommand(string target) =>
        new("rm", "-rf", "--one-file-system", "--", target) { Description = "remove " + target };

    private static async Task<IReadOnlyList<string>> UnmountEverythingUnderAsync(string target, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var unmounted = new List<string>();
        for (var round = 0; round < UnmountRounds; round++)
        {
            var mounts = MountTable.Under(target);
            if (mounts.Count == 0)
            {
                return unmounted;
            }

            // Slaves first: unmounting a shared copy of /dev/pts would otherwise unmount the host's own.
            foreach (var top in mounts.Where(m => !mounts.Any(o => RealPath.IsStrictlyUnder(m.MountPoint, o.MountPoint))).Select(m => m.MountPoint).Distinct())
            {
                await TryRunAsync(Root("mount", "--make-rslave", top), runner, cancellationToken).ConfigureAwait(false);
            }

            foreach (var mount in mounts)
            {
                if (!MountTable.Under(mount.MountPoint).Any(m => m.MountPoint == mount.MountPoint))
                {
                    continue;
                }

                if (!await TryRunAsync(Root("umount", "-R", mount.MountPoint), runner, cancellationToken).ConfigureAwait(false))
                {
                    await TryRunAsync(Root("umount", "-R", "-l", mount.MountPoint), runner, cancellationToken).ConfigureAwait(false);
                }

                unmounted.Add(mount.MountPoint);
            }
        }

        var left = MountTable.Under(target);
        if (left.Count > 0)
        {
            throw new DisklessException(
                $"{target} still has mounts inside: {string.Join(", ", left.Select(m => m.MountPoint))}; nothing was deleted",
                $"find what holds them with `fuser -vm {left[0].MountPoint}`, unmount them, then run the command again");
        }

        return unmounted;
    }

    private static async Task<bool> TryDeleteSubvolumeAsync(string target, ICommandRunner runner, IUserNamespace? userNamespace, CancellationToken cancellationToken)
    {
        // A subvolume holding nested subvolumes refuses deletion; rm then takes what it can reach. In a user namespace
        // btrfs deletes a subvolume only where it is mounted with user_subvol_rm_allowed: rm does the rest elsewhere.
        // A read-only subvolume (a base, a snapshot) is made writable first: root may delete it as it is, but its owner
        // in a user namespace may not (EROFS) until the flag is cleared, which the owner may do.
        var delete = new CommandSpec("btrfs", "subvolume", "delete", target);
        if (userNamespace is not null)
        {
            await TryRunAsync(Btrfs.ReadOnly(target, readOnly: false, userNamespace), runner, cancellationToken).ConfigureAwait(false);
        }

        if (await TryRunAsync(Btrfs.AsOwner(delete, userNamespace), runner, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        // Guest root deletes a subvolume only from a folder it may write: root's own machine folder (made by an older
        // diskless) is not. Root may delete it as root: one ioctl on the folder we made, nothing of the tree is read.
        return userNamespace is not null && Environment.IsPrivilegedProcess
            && await TryRunAsync(delete with { RequiresRoot = true }, runner, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> TryRunAsync(CommandSpec command, ICommandRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CommandFailedException)
        {
            return false;
        }
    }

    private static CommandSpec Root(string program, params string[] arguments) => new(program, arguments) { RequiresRoot = true };
}
