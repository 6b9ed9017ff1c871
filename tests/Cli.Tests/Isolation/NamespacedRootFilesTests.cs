using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.Tests.Processes;
using Diskless.Cli.Tests.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// NamespacedRootFiles for real, on a tiny root owned by the range as a built machine root is: as root in this
/// process, as the test user through the probe, and against HostOwnedRootFiles on the same edits.
/// </summary>
public sealed class NamespacedRootFilesTests
{
    private const long ProjectOwner = 4321;
    private const long ProjectGroup = 4322;
    private static readonly UnixFileMode Open = (UnixFileMode)0b111_101_101;

    private readonly CliWrapCommandRunner _runner = new(new RecordingProgress());

    [RequiresFact("unshare", "nsenter", "bwrap", "busybox", "mkfifo", Root = true, Timeout = 300_000)]
    public async Task As_root_edits_land_with_the_maps_owners_and_never_follow_a_link_out()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project.Path)!;
        await using var holder = await NamespaceHolder.StartAsync(map, identity, _runner, new ProcProcessTable(), project.Combine("run"), CancellationToken.None);
        await using var root = await TinyRoot.CreateAsync(RootFilesScenario.Applets);
        using var host = new TempFolder();
        var (hostKey, outside) = (await RootFilesScenario.HostKeyAsync(host.Path), await RootFilesScenario.OutsideFileAsync(host.Path));
        await PrepareRangeOwnedAsync(root.Path, outside, map);

        // Searchable by guest root (/tmp's sticky 1777 is too), so that bwrap can bind the private folder made inside.
        var staging = project.Combine("staging");
        Directory.CreateDirectory(staging, Open);

        await RootFilesScenario.RunAsync(new NamespacedRootFiles(root.Path, holder, _runner, staging), root.Path, hostKey, outside);

        AssertOwners(root.Path, map);
        Assert.Equal((0L, 0L), Owner(outside));
        Assert.Empty(Directory.EnumerateFileSystemEntries(staging));
    }

    [RequiresFact("unshare", "nsenter", "bwrap", "busybox", Root = true, Timeout = 300_000)]
    public async Task A_failed_edit_is_named_with_what_the_sandbox_said_and_stops_the_rest()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project.Path)!;
        await using var holder = await NamespaceHolder.StartAsync(map, identity, _runner, new ProcProcessTable(), project.Combine("run"), CancellationToken.None);
        await using var root = await TinyRoot.CreateAsync(RootFilesScenario.Applets);
        File.SetUnixFileMode(root.Path, Open);
        Directory.CreateDirectory(root.Path + "/srv/real");
        Directory.CreateDirectory(root.Path + "/etc/folder");
        File.CreateSymbolicLink(root.Path + "/srv/linked", "/srv/real");
        await IsolationFolder.ChownAsync(root.Path, map.SubordinateUidStart, map.SubordinateGidStart, recursive: true);
        var staging = project.Combine("staging");
        Directory.CreateDirectory(staging, Open);
        var files = new NamespacedRootFiles(root.Path, holder, _runner, staging);
        var first = new WriteFileEdit("/etc/first", "1\n", (UnixFileMode)0b110_100_100);
        var last = new WriteFileEdit("/etc/last", "3\n", (UnixFileMode)0b110_100_100);

        var refused = await Assert.ThrowsAsync<DisklessException>(() => files.ApplyAsync(
            [first, new WriteFileEdit("/srv/linked/key", "2\n", (UnixFileMode)0b110_000_000, new RootOwner(1000, 1000)), last], CancellationToken.None));
        var folder = await Assert.ThrowsAsync<DisklessException>(() => files.ApplyAsync(
            [new WriteFileEdit("/etc/folder", "2\n", (UnixFileMode)0b110_100_100)], CancellationToken.None));

        Assert.Equal(
            $"could not apply edit 2 of 3 to the machine root {root.Path} (write 0600 1000:1000 /srv/linked/key): " +
            "/srv/linked is a symbolic link (to /srv/real); Diskless will not hand what it points to to the guest's user.",
            refused.Message);
        Assert.Contains("Replace the link by a folder", refused.Hint, StringComparison.Ordinal);
        Assert.Equal($"could not apply edit 1 of 1 to the machine root {root.Path} (write 0644 /etc/folder): /etc/folder is a folder, not a file", folder.Message);
        Assert.Null(folder.Hint);
        Assert.True(File.Exists(root.Path + "/etc/first"));
        Assert.False(File.Exists(root.Path + "/etc/last"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path + "/srv/real"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(staging));
    }

    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "bwrap", "busybox", "mkfifo", Root = true, OtherUser = true, Timeout = 600_000)]
    public async Task As_the_user_edits_land_with_the_maps_owners_and_never_follow_a_link_out()
    {
        var (uid, gid) = NamespaceHolderAsUserTests.TestUserIds();
        var map = new IdMap(
            SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid)!.Start, uid,
            SubordinateIds.Read(SubordinateIds.GidFile, TestUser.Name, uid)!.Start, gid);
        await using var project = await IsolationFolder.CreateAsync(uid, gid);
        await using var root = await TinyRoot.CreateAsync(RootFilesScenario.Applets);
        var (hostKey, outside) = (await RootFilesScenario.HostKeyAsync(project.Path), await RootFilesScenario.OutsideFileAsync(project.Path));

        // The user's own key, which the user's diskless reads and stages; the outside file stays root's.
        await IsolationFolder.ChownAsync(hostKey, uid, gid, recursive: false);
        await PrepareRangeOwnedAsync(root.Path, outside, map);

        await RootFilesScenario.RunAsync(new ProbeRootFiles(project.Path, root.Path), root.Path, hostKey, outside);

        AssertOwners(root.Path, map);
        Assert.Equal((0L, 0L), Owner(outside));
    }

    [RequiresFact("unshare", "nsenter", "bwrap", "busybox", "mkfifo", Root = true, Timeout = 300_000)]
    public async Task The_namespace_and_the_host_owned_implementations_make_the_same_tree_from_the_same_edits()
    {
        await using var project = await IsolationFolder.CreateAsync(ProjectOwner, ProjectGroup);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project.Path)!;
        await using var holder = await NamespaceHolder.StartAsync(map, identity, _runner, new ProcProcessTable(), project.Combine("run"), CancellationToken.None);
        await using var root = await TinyRoot.CreateAsync(RootFilesScenario.Applets);
        using var plain = new TempFolder();
        using var host = new TempFolder();
        var (hostKey, outside) = (await RootFilesScenario.HostKeyAsync(host.Path), await RootFilesScenario.OutsideFileAsync(host.Path));
        await PrepareRangeOwnedAsync(root.Path, outside, map);
        await RootFilesScenario.PrepareAsync(plain.Path, outside);
        var staging = project.Combine("staging");
        Directory.CreateDirectory(staging, Open);

        await RootFilesScenario.RunAsync(new NamespacedRootFiles(root.Path, holder, _runner, staging), root.Path, hostKey, outside);
        await RootFilesScenario.RunAsync(new HostOwnedRootFiles(plain.Path), plain.Path, hostKey, outside);

        var namespaced = RootFilesScenario.Snapshot(root.Path, (uid, gid) => (ToGuest(uid, map.SubordinateUidStart, map.LoginUid), ToGuest(gid, map.SubordinateGidStart, map.LoginGid)));
        var hostOwned = RootFilesScenario.Snapshot(plain.Path, (uid, gid) => (uid, gid));
        Assert.Equal(hostOwned, namespaced);

        // Not vacuous: the snapshot sees owners, modes, links and contents.
        Assert.Contains("home/vagrant/.ssh/authorized_keys file 0600 1000:1000 ssh-ed25519 AAAA test⏎", hostOwned);
        Assert.Contains("var/lib/game/score file 0640 42:42 42", hostOwned);
        Assert.Contains("etc/localtime link  0:0 /usr/share/zoneinfo/UTC", hostOwned);
        Assert.Contains("srv/fifo special 0600 0:0 ", hostOwned);
    }

    /// <summary>The scenario's traps, then the whole tree given to guest root's host ids, as a built root is.</summary>
    private static async Task PrepareRangeOwnedAsync(string tree, string outside, IdMap map)
    {
        File.SetUnixFileMode(tree, Open);
        await RootFilesScenario.PrepareAsync(tree, outside);
        await IsolationFolder.ChownAsync(tree, map.SubordinateUidStart, map.SubordinateGidStart, recursive: true);
    }

    private static void AssertOwners(string tree, IdMap map)
    {
        var guestRoot = (map.SubordinateUidStart, map.SubordinateGidStart);
        var login = (map.LoginUid, map.LoginGid);
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "etc/hostname")));
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "etc/motd")));
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "etc/ssh/ssh_host_ed25519_key")));
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "home")));
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "etc/localtime"), followLinks: false));
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "var/lib/game")));
        Assert.Equal(guestRoot, Owner(Path.Combine(tree, "home/other/.config")));
        Assert.Equal(login, Owner(Path.Combine(tree, "home/other/.config/app")));
        Assert.Equal(login, Owner(Path.Combine(tree, "home/vagrant")));
        Assert.Equal(login, Owner(Path.Combine(tree, "home/vagrant/.ssh")));
        Assert.Equal(login, Owner(Path.Combine(tree, "home/vagrant/.ssh/authorized_keys")));
        Assert.Equal(login, Owner(Path.Combine(tree, "home/vagrant/.profile")));
        Assert.Equal((map.SubordinateUidStart + 42, map.SubordinateGidStart + 42), Owner(Path.Combine(tree, "var/lib/game/score")));
    }

    private static long ToGuest(long host, long start, long login) =>
        host == login ? IdMap.GuestLoginId : host - start is >= 0 and < IdMap.GuestIdCount and var guest ? guest : -host;

    private static (long, long) Owner(string path, bool followLinks = true) =>
        FileStatus.Read(path, followLinks) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);
}
