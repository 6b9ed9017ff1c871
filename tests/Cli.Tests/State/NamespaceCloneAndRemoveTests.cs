using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>Cloning and removing roots of subordinate ids: every step that touches the tree is entered into the namespace.</summary>
public sealed class NamespaceCloneAndRemoveTests : IDisposable
{
    private const string Entered = "nsenter -t 4242 -U -m -S 0 -G 0 -- ";

    private readonly TempFolder _temp = new();
    private readonly RecordingCommandRunner _runner = new();
    private readonly RecordingProgress _progress = new();
    private readonly FakeUserNamespace _userNamespace;
    private readonly string _source;
    private readonly string _machines;

    public NamespaceCloneAndRemoveTests()
    {
        // The caller's own folders are guest 1000's, as for an ordinary user.
        var me = FileStatus.Read(_temp.Path)!;
        _userNamespace = new FakeUserNamespace(new IdMap(100000, me.Uid, 100000, me.Gid));
        _source = Directory.CreateDirectory(_temp.Combine("bases", "b1")).FullName;
        _machines = Directory.CreateDirectory(_temp.Combine("machines")).FullName;
    }

    public void Dispose() => _temp.Dispose();

    [Fact(Timeout = 30_000)]
    public async Task A_copy_runs_inside_the_namespace_into_a_root_given_to_guest_root()
    {
        var destination = Path.Combine(_machines, "m1", "root");

        var method = await RootCloner.CloneAsync(_source, destination, _runner, _progress, _userNamespace, CancellationToken.None);

        Assert.Equal(RootCloner.Copy, method);
        Assert.Equal(
            [
                $"{Entered}chown --no-dereference 0:0 -- {destination}",
                $"{Entered}cp -a --reflink=auto --one-file-system {_source}/. {destination}",
            ],
            Lines());
        Assert.DoesNotContain(_runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 30_000)]
    public async Task Roots_own_destination_is_given_to_guest_root_by_root_before_the_copy()
    {
        var rootRun = new FakeUserNamespace(new IdMap(2147352576, 4321, 2147352576, 4321));
        var destination = Path.Combine(_machines, "m1", "root");

        await RootCloner.CloneAsync(_source, destination, _runner, _progress, rootRun, CancellationToken.None);

        Assert.Equal($"chown --no-dereference 2147352576:2147352576 -- {destination}", Lines()[0]);
        Assert.StartsWith(Entered + "cp -a", Lines()[1], StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_btrfs_base_is_snapshotted_inside_the_namespace()
    {
        Btrfs(_runner);
        var destination = Path.Combine(_machines, "m1", "root");

        var method = await RootCloner.CloneAsync(_source, destination, _runner, _progress, _userNamespace, CancellationToken.None);

        Assert.Equal(RootCloner.Snapshot, method);
        Assert.Equal([$"{Entered}btrfs subvolume snapshot {_source} {destination}"], Lines());
    }

    [Fact(Timeout = 30_000)]
    public async Task A_snapshot_the_namespace_may_not_take_falls_back_to_a_reflink_copy_into_a_subvolume_and_says_so()
    {
        Btrfs(_runner).Fail("nsenter", 1, "ERROR: cannot snapshot: Permission denied\n", "snapshot");
        var destination = Path.Combine(_machines, "m1", "root");

        var method = await RootCloner.CloneAsync(_source, destination, _runner, _progress, _userNamespace, CancellationToken.None);

        Assert.Equal(RootCloner.Reflink, method);
        Assert.Contains(_progress.Lines, l => l.StartsWith("warn: btrfs snapshot in the machine's user namespace failed (ERROR: cannot snapshot: Permission denied); copying instead", StringComparison.Ordinal));
        Assert.Contains($"btrfs subvolume create {destination}", Lines());
        Assert.Contains($"{Entered}cp -a --reflink=always --one-file-system {_source}/. {destination}", Lines());
        Assert.DoesNotContain(_runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failed_copy_is_removed_inside_the_namespace()
    {
        _runner.Fail("nsenter", 1, "cp: error writing: No space left on device\n", "cp");
        var destination = Path.Combine(_machines, "m1", "root");

        await Assert.ThrowsAsync<CommandFailedException>(() => RootCloner.CloneAsync(_source, destination, _runner, _progress, _userNamespace, CancellationToken.None));

        Assert.Contains($"{Entered}rm -rf --one-file-system -- {destination}", Lines());
        Assert.DoesNotContain(_runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 30_000)]
    public async Task Removal_runs_as_guest_root_and_the_caller_removes_only_what_is_left()
    {
        var machine = Directory.CreateDirectory(Path.Combine(_machines, "m1")).FullName;
        File.WriteAllText(Path.Combine(machine, "machine.json"), "{}");

        var removal = await FolderRemover.RemoveAsync(machine, _machines, _runner, _userNamespace, CancellationToken.None);

        Assert.Equal(RemovalMethod.Removed, removal.Method);
        Assert.Equal([$"{Entered}rm -rf --one-file-system -- {machine}", $"rm -rf --one-file-system -- {machine}"], Lines());
        Assert.DoesNotContain(_runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 30_000)]
    public async Task When_guest_root_removed_everything_nothing_runs_as_the_caller()
    {
        var machine = Directory.CreateDirectory(Path.Combine(_machines, "m1")).FullName;
        _runner.On("nsenter", c =>
        {
            Directory.Delete(c.Arguments[^1], recursive: true);
            return new CommandResult(0, "", "", TimeSpan.Zero);
        }, "rm");

        await FolderRemover.RemoveAsync(machine, _machines, _runner, _userNamespace, CancellationToken.None);

        Assert.Equal([$"{Entered}rm -rf --one-file-system -- {machine}"], Lines());
    }

    [Fact(Timeout = 30_000)]
    public async Task What_neither_can_remove_fails_with_both_accounts_and_a_way_out()
    {
        var machine = Directory.CreateDirectory(Path.Combine(_machines, "m1")).FullName;
        _runner.Fail("nsenter", 1, $"rm: cannot remove '{machine}/x': Permission denied\n", "rm");
        _runner.Fail("rm", 1, $"rm: cannot remove '{machine}/y': Permission denied\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => FolderRemover.RemoveAsync(machine, _machines, _runner, _userNamespace, CancellationToken.None));

        Assert.Equal([$"rm: cannot remove '{machine}/x': Permission denied", $"rm: cannot remove '{machine}/y': Permission denied"], error.OutputTail);
        Assert.Contains("rm -rf --one-file-system " + machine, error.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_safety_checks_hold_in_a_namespace_too()
    {
        var outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        File.CreateSymbolicLink(Path.Combine(_machines, "link"), outside);

        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(outside, _machines, _runner, _userNamespace, CancellationToken.None));
        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(Path.Combine(_machines, "link", "x"), _machines, _runner, _userNamespace, CancellationToken.None));
        var removal = await FolderRemover.RemoveAsync(Path.Combine(_machines, "link"), _machines, _runner, _userNamespace, CancellationToken.None);

        Assert.Equal(RemovalMethod.SymbolicLink, removal.Method);
        Assert.Empty(_runner.Commands);
        Assert.True(Directory.Exists(outside));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_user_whose_folder_the_namespace_cannot_reach_is_told_how_to_fix_it_and_nothing_runs()
    {
        var stranger = new FakeUserNamespace(new IdMap(100000, 99999, 100000, 99998));

        var error = await Assert.ThrowsAsync<DisklessException>(() => GuestRootFolders.EnsureReachableAsync(_machines, stranger, _runner, callerIsRoot: false, CancellationToken.None));

        Assert.Contains("does not map", error.Message, StringComparison.Ordinal);
        Assert.Equal($"give it your own uid and group: chown 99999:99998 {_machines}", error.Hint);
        Assert.Empty(_runner.Commands);
        await GuestRootFolders.EnsureReachableAsync(_machines, stranger, _runner, callerIsRoot: true, CancellationToken.None);
        Assert.Equal([$"chown --no-dereference 100000:100000 -- {_machines}"], Lines());
    }

    [Fact]
    public void Covers_asks_for_both_the_uid_and_the_gid()
    {
        var map = new IdMap(100000, 1500, 200000, 1600);

        Assert.True(GuestRootFolders.Covers(map, 100000, 200000));
        Assert.True(GuestRootFolders.Covers(map, 1500, 1600));
        Assert.True(GuestRootFolders.Covers(map, 165535, 265535));
        Assert.False(GuestRootFolders.Covers(map, 101000, 201000));
        Assert.False(GuestRootFolders.Covers(map, 0, 200000));
        Assert.False(GuestRootFolders.Covers(map, 100000, 0));
        Assert.False(GuestRootFolders.Covers(map, 165536, 200000));
    }

    private static RecordingCommandRunner Btrfs(RecordingCommandRunner runner) =>
        runner.Print("stat", "btrfs\n", "--file-system").Print("stat", "256\n", "--format=%i");

    private List<string> Lines() =>
        [.. _runner.Transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("stat ", StringComparison.Ordinal))];
}
