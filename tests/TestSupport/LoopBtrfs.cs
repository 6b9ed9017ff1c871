using Diskless.Abstractions;

namespace Diskless.Testing;

/// <summary>
/// A btrfs filesystem the test makes and mounts: a sparse image file, mkfs.btrfs, <c>mount -o loop</c> (with
/// <c>user_subvol_rm_allowed</c>, as a data dir for ordinary users would be mounted). Disposing it unmounts it lazily
/// (anything a failed test left mounted inside goes with it) and deletes the image.
/// </summary>
public sealed class LoopBtrfs : IAsyncDisposable
{
    private readonly ICommandRunner _runner;
    private readonly string _folder;

    private LoopBtrfs(ICommandRunner runner, string folder)
    {
        _runner = runner;
        _folder = folder;
    }

    /// <summary>Where the filesystem is mounted.</summary>
    public string MountPoint => Path.Combine(_folder, "mnt");

    /// <summary>Makes and mounts a btrfs image of <paramref name="size"/> (truncate's units: "512M", "4G") under <paramref name="parent"/> (/var/tmp by default).</summary>
    public static async Task<LoopBtrfs> MountAsync(ICommandRunner runner, string size = "512M", string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var folder = Directory.CreateDirectory(Path.Combine(parent ?? "/var/tmp", "diskless-btrfs-" + Guid.NewGuid().ToString("n")[..8])).FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var btrfs = new LoopBtrfs(runner, folder);
        var image = Path.Combine(folder, "btrfs.img");
        Directory.CreateDirectory(btrfs.MountPoint);
        await runner.RunAsync(new CommandSpec("truncate", "-s", size, image), CancellationToken.None);
        await runner.RunAsync(new CommandSpec("mkfs.btrfs", "-q", image), CancellationToken.None);
        await runner.RunAsync(new CommandSpec("mount", "-o", "loop,user_subvol_rm_allowed", image, btrfs.MountPoint), CancellationToken.None);
        File.SetUnixFileMode(btrfs.MountPoint, (UnixFileMode)0b111_101_101);
        return btrfs;
    }

    public string Combine(params string[] parts) => Path.Combine([MountPoint, .. parts]);

    public async ValueTask DisposeAsync()
    {
        await _runner.RunAsync(new CommandSpec("umount", "-R", "-l", MountPoint) { SuccessExitCodes = [0, 32] }, CancellationToken.None);
        Directory.Delete(_folder, recursive: true);
    }
}
