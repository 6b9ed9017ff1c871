using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Isolation;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Storage;

/// <summary>
/// What an ordinary user may do on btrfs, with no root and no sudo: the probe program runs RootCloner,
/// MachineSnapshots and FolderRemover as the test user, in its own namespace, on a loop-mounted btrfs image mounted
/// with user_subvol_rm_allowed (without it btrfs lets only root delete a subvolume; rm then empties it and rmdir takes
/// it). Quotas are root's: refused with the reason.
/// </summary>
public sealed class StorageOnBtrfsAsUserTests
{
    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "mkfs.btrfs", "btrfs", Root = true, OtherUser = true, LoopDevices = true, Timeout = 180_000)]
    public async Task As_the_user_a_root_is_a_snapshot_a_read_only_snapshot_is_saved_and_both_are_removed_without_sudo()
    {
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var (uid, gid) = NamespaceHolderAsUserTests.TestUserIds();
        var s = SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid)!.Start;
        await using var btrfs = await LoopBtrfs.MountAsync(runner);
        var work = Directory.CreateDirectory(btrfs.Combine("u")).FullName;
        await IsolationFolder.ChownAsync(work, uid, gid, recursive: false);
        var machines = Path.Combine(work, "machines");
        var machine = Path.Combine(machines, "m1");
        var root = Path.Combine(machine, "root");
        var baseTree = Path.Combine(work, "base");
        var make = $"btrfs -q subvolume create {baseTree} && echo base > {baseTree}/hostname && btrfs property set -ts {baseTree} ro true && mkdir -p {machine} && chown 1000:1000 {machines} {machine}";

        var results = await NamespaceProbe.RunAsync(asTestUser: true, work, "enter=" + make, $"clone={baseTree}={root}", $"snapshot={root}=s1", $"remove={machine}={machines}");

        Assert.All(results.Skip(1), r => Assert.True(NamespaceProbe.Step(r).Exit == 0, NamespaceProbe.Step(r).Stderr));
        Assert.Equal(RootCloner.Snapshot, NamespaceProbe.Step(results[2]).Stdout);
        Assert.Equal(RootCloner.Snapshot, NamespaceProbe.Step(results[3]).Stdout);
        Assert.Equal("Removed", NamespaceProbe.Step(results[4]).Stdout);
        Assert.False(Path.Exists(machine));
        Assert.Equal(s, FileStatus.Read(baseTree)!.Uid);
        Assert.Equal("base\n", await File.ReadAllTextAsync(Path.Combine(baseTree, "hostname")));
        var subvolumes = await runner.RunAsync(new CommandSpec("btrfs", "subvolume", "list", btrfs.MountPoint), CancellationToken.None);
        Assert.DoesNotContain("machines", subvolumes.StandardOutput, StringComparison.Ordinal);
    }

    [RequiresFact("mkfs.btrfs", "btrfs", Root = true, LoopDevices = true, Timeout = 120_000)]
    public async Task Without_root_a_size_limit_is_refused_with_the_reason_and_what_to_do()
    {
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        await using var btrfs = await LoopBtrfs.MountAsync(runner);

        var refused = await Assert.ThrowsAsync<DisklessException>(() =>
            RootQuota.EnsurePossibleAsync(btrfs.MountPoint, 20L << 30, runner, callerIsRoot: false, CancellationToken.None));

        Assert.Contains("only root may enable quotas or set a limit", refused.Message, StringComparison.Ordinal);
        Assert.Contains("remove `size`", refused.Hint, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, refused.ExitCode);
    }
}
