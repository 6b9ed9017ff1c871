using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>Asks stat(1) whether a folder is a btrfs subvolume; every btrfs subvolume root has inode 256.</summary>
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
}
