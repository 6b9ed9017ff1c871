using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Storage;

/// <summary>
/// Clones, quotas, figures, snapshots and removal on a real btrfs filesystem: a loop-mounted image each test makes.
/// Host-owned roots (as root), so each test takes a second or two.
/// </summary>
public sealed class StorageOnBtrfsTests
{
    private const long MiB = 1024 * 1024;
    private readonly RealHost _host = new(Path.GetTempPath());

    private ICommandRunner Runner => _host.Commands;

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task A_root_is_a_snapshot_of_a_subvolume_base_and_a_reflink_subvolume_of_a_plain_one_sharing_every_block()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var subvolumeBase = await SubvolumeBaseAsync(btrfs, "b1", 16);
        var plainBase = Directory.CreateDirectory(btrfs.Combine("bases", "b2")).FullName;
        await WriteRandomAsync(Path.Combine(plainBase, "big"), 16);

        var snapshot = await RootCloner.CloneAsync(subvolumeBase, btrfs.Combine("machines", "m1", "root"), Runner, _host.Progress, CancellationToken.None);
        var reflink = await RootCloner.CloneAsync(plainBase, btrfs.Combine("machines", "m2", "root"), Runner, _host.Progress, CancellationToken.None);
        await SyncAsync();

        Assert.Equal(RootCloner.Snapshot, snapshot);
        Assert.Equal(RootCloner.Reflink, reflink);
        foreach (var root in new[] { btrfs.Combine("machines", "m1", "root"), btrfs.Combine("machines", "m2", "root") })
        {
            Assert.Equal("256", (await Runner.RunAsync(new CommandSpec("stat", "-c", "%i", root), CancellationToken.None)).StandardOutput.Trim());
            var usage = await DiskUsage.MeasureAsync(root, Runner, null, CancellationToken.None);
            Assert.True(usage.Bytes >= 16 * MiB, $"{root} refers to {usage.Bytes} bytes");
            Assert.True(usage.Exclusive < MiB, $"{root} holds {usage.Exclusive} bytes of its own");
        }
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task On_btrfs_the_cache_builds_a_base_as_a_read_only_subvolume_that_machines_snapshot()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var host = new RealHost(btrfs.Combine("diskless"));
        var distro = new Diskless.Cli.Tests.Pipeline.FakeDistro();

        var basePath = await new BaseCache(host).EnsureAsync(distro, distro.DescribeBase(DebianTestBase.DefaultSpec), CancellationToken.None);
        var clone = await RootCloner.CloneAsync(basePath, btrfs.Combine("diskless", "machines", "m1", "root"), Runner, _host.Progress, CancellationToken.None);
        var readOnly = await Runner.RunAsync(new CommandSpec("btrfs", "property", "get", "-ts", basePath, "ro"), CancellationToken.None);

        Assert.Equal("256", (await Runner.RunAsync(new CommandSpec("stat", "-c", "%i", basePath), CancellationToken.None)).StandardOutput.Trim());
        Assert.Equal("ro=true", readOnly.StandardOutput.Trim());
        Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(basePath, "changed"), "x"));
        Assert.Equal(RootCloner.Snapshot, clone);
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.TempDirectory));
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", "dd", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task A_size_limit_enables_quotas_and_refuses_writes_past_it()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var root = btrfs.Combine("machines", "m1", "root");
        await RootCloner.CloneAsync(await SubvolumeBaseAsync(btrfs, "b1", 1), root, Runner, _host.Progress, CancellationToken.None);

        await RootQuota.LimitAsync(root, 32 * MiB, Runner, _host.Progress, CancellationToken.None);
        var fill = await Runner.RunAsync(
            new CommandSpec("dd", "if=/dev/zero", "of=" + Path.Combine(root, "fill"), "bs=1M", "count=64", "conv=fsync") { SuccessExitCodes = [0, 1] },
            CancellationToken.None);
        var small = await Runner.RunAsync(
            new CommandSpec("dd", "if=/dev/zero", "of=" + btrfs.Combine("outside"), "bs=1M", "count=64", "conv=fsync"), CancellationToken.None);

        Assert.Equal(1, fill.ExitCode);
        Assert.Contains("Disk quota exceeded", fill.StandardError, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(root, "fill")).Length <= 32 * MiB);
        Assert.Equal(0, small.ExitCode);
        Assert.Contains("stage: Enabling btrfs quotas on the data dir's filesystem (once)", _host.RecordedProgress.Lines);
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task Du_counts_what_the_machine_wrote_as_its_own_and_frees_it_when_deleted()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var root = btrfs.Combine("machines", "m1", "root");
        await RootCloner.CloneAsync(await SubvolumeBaseAsync(btrfs, "b1", 8), root, Runner, _host.Progress, CancellationToken.None);

        await WriteRandomAsync(Path.Combine(root, "written"), 8);
        await SyncAsync();
        var written = await DiskUsage.MeasureAsync(root, Runner, null, CancellationToken.None);
        File.Delete(Path.Combine(root, "written"));
        await SyncAsync();
        var deleted = await DiskUsage.MeasureAsync(root, Runner, null, CancellationToken.None);

        Assert.InRange(written.Exclusive, 8 * MiB, 8 * MiB + (256 * 1024));
        Assert.InRange(written.Bytes, 16 * MiB, 16 * MiB + (256 * 1024));
        Assert.True(deleted.Exclusive < 256 * 1024, $"{deleted.Exclusive} bytes left after the delete");
        Assert.Equal("btrfs filesystem du", written.Method);
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task A_snapshot_is_read_only_and_restoring_it_brings_back_what_it_held()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var record = Record(btrfs.Combine("machines", "abc", "root"));
        await RootCloner.CloneAsync(await SubvolumeBaseAsync(btrfs, "b1", 1), record.RootPath, Runner, _host.Progress, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "state"), "before\n");
        var snapshots = new MachineSnapshots(record, _host);

        var method = await snapshots.SaveAsync("before", CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "state"), "after\n");
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "new"), "x");
        var listed = snapshots.List();
        var writeIntoSnapshot = Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(listed[0].Path, "state"), "changed"));
        await snapshots.RestoreAsync("before", null, CancellationToken.None);

        Assert.Equal(RootCloner.Snapshot, method);
        Assert.Equal(["before"], listed.Select(s => s.Name));
        Assert.Contains("Read-only file system", writeIntoSnapshot.Message, StringComparison.Ordinal);
        Assert.Equal("before\n", await File.ReadAllTextAsync(Path.Combine(record.RootPath, "state")));
        Assert.False(File.Exists(Path.Combine(record.RootPath, "new")));
        await File.WriteAllTextAsync(Path.Combine(record.RootPath, "writable"), "yes");
        Assert.False(Directory.Exists(record.RootPath + ".restoring"));

        await snapshots.DeleteAsync("before", CancellationToken.None);

        Assert.Empty(snapshots.List());
        Assert.False(Directory.Exists(listed[0].Path));
        await Assert.ThrowsAsync<DisklessException>(() => snapshots.RestoreAsync("before", null, CancellationToken.None));
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task Destroying_a_machine_folder_unmounts_what_a_crashed_helper_left_takes_its_snapshots_and_nothing_outside()
    {
        await using var btrfs = await LoopBtrfs.MountAsync(Runner);
        var machines = btrfs.Combine("machines");
        var record = Record(Path.Combine(machines, "abc", "root"));
        await RootCloner.CloneAsync(await SubvolumeBaseAsync(btrfs, "b1", 1), record.RootPath, Runner, _host.Progress, CancellationToken.None);
        await new MachineSnapshots(record, _host).SaveAsync("s1", CancellationToken.None);
        var outside = Directory.CreateDirectory(btrfs.Combine("outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "keep"), "host data");
        Directory.CreateSymbolicLink(Path.Combine(record.RootPath, "escape"), outside);
        // As a chroot helper that crashed would leave it: a mount inside the root, with the host's data in reach.
        var helperMount = Directory.CreateDirectory(Path.Combine(record.RootPath, "run", "helper")).FullName;
        await Runner.RunAsync(new CommandSpec("mount", "--bind", outside, helperMount), CancellationToken.None);

        var removal = await FolderRemover.RemoveAsync(Path.Combine(machines, "abc"), machines, Runner, CancellationToken.None);

        Assert.Contains(helperMount, removal.Unmounted);
        Assert.False(Directory.Exists(Path.Combine(machines, "abc")));
        Assert.Equal("host data", await File.ReadAllTextAsync(Path.Combine(outside, "keep")));
        Assert.True(File.Exists(btrfs.Combine("bases", "b1", "big")));
        Assert.Empty(MountTable.Under(machines));
        var subvolumes = await Runner.RunAsync(new CommandSpec("btrfs", "subvolume", "list", btrfs.MountPoint), CancellationToken.None);
        Assert.DoesNotContain("machines/abc", subvolumes.StandardOutput, StringComparison.Ordinal);
    }

    private async Task<string> SubvolumeBaseAsync(LoopBtrfs btrfs, string key, int mebibytes)
    {
        Directory.CreateDirectory(btrfs.Combine("bases"));
        var path = btrfs.Combine("bases", key);
        await Runner.RunAsync(new CommandSpec("btrfs", "subvolume", "create", path), CancellationToken.None);
        await WriteRandomAsync(Path.Combine(path, "big"), mebibytes);
        await Runner.RunAsync(new CommandSpec("btrfs", "property", "set", "-ts", path, "ro", "true"), CancellationToken.None);
        return path;
    }

    private static async Task WriteRandomAsync(string path, int mebibytes)
    {
        var bytes = new byte[mebibytes * MiB];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);
    }

    private Task SyncAsync() => Runner.RunAsync(new CommandSpec("sync"), CancellationToken.None);

    internal static MachineRecord Record(string rootPath) => new()
    {
        Id = "abc",
        Name = "m",
        Provider = "qemu",
        Distro = "debian",
        CreatedAt = DateTimeOffset.UnixEpoch,
        RootPath = rootPath,
        StateDirectory = "/nonexistent/state",
        RuntimeDirectory = "/nonexistent/run",
        ConsoleLogPath = "/nonexistent/console.log",
    };
}
