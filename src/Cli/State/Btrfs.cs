using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// What diskless asks of btrfs: is a folder on btrfs, is it a subvolume (every subvolume's top folder has inode 256),
/// which subvolumes lie inside a folder, and the read-only flag that keeps bases and snapshots unchanged.
/// </summary>
internal static class Btrfs
{
    private const string SubvolumeRootInode = "256";

    public static async Task<bool> IsFileSystemAsync(string path, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(
            new CommandSpec("stat", "--file-system", "--format=%T", path) { Description = "file system type of " + path },
            cancellationToken).ConfigureAwait(false);
        return result.StandardOutput.Trim() == "btrfs";
    }

    /// <summary>The file system type of <paramref name="path"/> as stat(1) names it ("btrfs", "ext2/ext3", "xfs", "tmpfs").</summary>
    public static async Task<string> FileSystemTypeAsync(string path, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(
            new CommandSpec("stat", "--file-system", "--format=%T", path) { Description = "file system type of " + path },
            cancellationToken).ConfigureAwait(false);
        return result.StandardOutput.Trim();
    }

    public static async Task<bool> IsSubvolumeAsync(string path, ICommandRunner runner, CancellationToken cancellationToken)
    {
        if (!await IsFileSystemAsync(path, runner, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var inode = await runner.RunAsync(
            new CommandSpec("stat", "--format=%i", path) { Description = "inode of " + path },
            cancellationToken).ConfigureAwait(false);
        return inode.StandardOutput.Trim() == SubvolumeRootInode;
    }

    /// <summary>
    /// The subvolumes inside <paramref name="folder"/> (a plain folder on btrfs), found by a walk that never follows a
    /// link, never crosses into another mount and never enters a subvolume it found: a machine's folder holds its root
    /// and its snapshots, each a subvolume, which rm cannot remove (they are other devices to rm --one-file-system).
    /// </summary>
    public static IReadOnlyList<string> SubvolumesInside(string folder, IReadOnlySet<string> mountPoints)
    {
        var top = FileStatus.Read(folder, followLinks: false);
        if (top is not { IsDirectory: true })
        {
            return [];
        }

        var found = new List<string>();
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateDirectories(current, "*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true });
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (mountPoints.Contains(entry) || FileStatus.Read(entry, followLinks: false) is not { IsDirectory: true } status)
                {
                    continue;
                }

                if (status.Inode == 256 && status.Device != top.Device)
                {
                    found.Add(entry);
                }
                else if (status.Device == top.Device)
                {
                    pending.Push(entry);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Sets or clears the read-only flag of the subvolume <paramref name="path"/>: as guest root in
    /// <paramref name="userNamespace"/> (the subvolume's owner may change it), else as root.
    /// </summary>
    public static CommandSpec ReadOnly(string path, bool readOnly, IUserNamespace? userNamespace)
    {
        var command = new CommandSpec("btrfs", "property", "set", "-ts", path, "ro", readOnly ? "true" : "false")
        {
            Description = (readOnly ? "make " : "make writable ") + path + (readOnly ? " read-only" : ""),
        };
        return userNamespace is null ? command with { RequiresRoot = true } : userNamespace.Enter(command);
    }

    /// <summary>Runs <paramref name="command"/> as the owner of <paramref name="path"/> would: in the namespace, else as root.</summary>
    public static CommandSpec AsOwner(CommandSpec command, IUserNamespace? userNamespace) =>
        userNamespace is null ? command with { RequiresRoot = true } : userNamespace.Enter(command);
}
