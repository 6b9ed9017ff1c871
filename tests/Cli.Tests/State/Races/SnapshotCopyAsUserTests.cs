using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Isolation;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State.Races;

/// <summary>
/// The confined snapshot copy as an ordinary user: bwrap runs as guest root in the user's namespace (entered, so the
/// machine's whole map stays in force) on ext4, where a snapshot is a copy. Run by the probe program as the test user.
/// </summary>
public sealed class SnapshotCopyAsUserTests : IDisposable
{
    private readonly string _work = Directory.CreateDirectory(Path.Combine("/var/tmp", "diskless-usercopy-" + Guid.NewGuid().ToString("n")[..8])).FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "bwrap", "cp", Root = true, OtherUser = true, Timeout = 180_000)]
    public async Task As_the_user_a_snapshot_copy_runs_confined_in_the_namespace_and_keeps_owners_and_contents()
    {
        var (uid, gid) = NamespaceHolderAsUserTests.TestUserIds();
        var s = SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid)!.Start;
        await IsolationFolder.ChownAsync(_work, uid, gid, recursive: false);
        var machines = Path.Combine(_work, "machines");
        var machine = Path.Combine(machines, "m1");
        var root = Path.Combine(machine, "root");
        var make = $"mkdir -p {root}/etc {root}/home/u && echo guest > {root}/etc/hostname && chown 1000:1000 {root}/home/u {machines} {machine}";

        var results = await NamespaceProbe.RunAsync(asTestUser: true, _work, "enter=" + make, $"snapshot={root}=s1");

        Assert.All(results.Skip(1), r => Assert.True(NamespaceProbe.Step(r).Exit == 0, NamespaceProbe.Step(r).Stderr));
        Assert.Equal(RootCloner.Copy, NamespaceProbe.Step(results[2]).Stdout);
        var snapshot = Path.Combine(machine, MachineSnapshots.FolderName, "s1");
        Assert.Equal("guest\n", await File.ReadAllTextAsync(Path.Combine(snapshot, "etc", "hostname")));
        Assert.Equal(s, FileStatus.Read(Path.Combine(snapshot, "etc", "hostname"))!.Uid);
        Assert.Equal(uid, FileStatus.Read(Path.Combine(snapshot, "home", "u"))!.Uid);
    }
}
