using Diskless.Cli.Isolation;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// Cloning and removing a root of subordinate ids as an ordinary user really does it: the probe program runs
/// RootCloner and FolderRemover as the test user, with its own namespace and no sudo; this test, as root, looks at
/// the host's files.
/// </summary>
public sealed class NamespaceCloneAsUserTests
{
    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "cp", Root = true, OtherUser = true, Timeout = 180_000)]
    public async Task As_the_user_a_root_of_subordinate_ids_is_cloned_with_its_owners_and_removed_without_sudo()
    {
        var (uid, gid) = NamespaceHolderAsUserTests.TestUserIds();
        var s = SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid)!.Start;
        var sg = SubordinateIds.Read(SubordinateIds.GidFile, TestUser.Name, uid)!.Start;
        await using var project = await IsolationFolder.CreateAsync(uid, gid);
        var tree = project.Combine("bases/tiny");
        var machines = project.Combine("machines");
        var machine = Path.Combine(machines, "m1");
        var root = Path.Combine(machine, "root");
        // A tiny "base" made by guest root: a 0700 folder of its own, a shadow-like file of guest group 42, a
        // setuid file, one of nobody (S+65534, the last id but one of the range), one of the login user.
        var make = string.Join(" && ",
            $"mkdir -p {tree}/etc/ssh {tree}/home/u {machines}",
            $"echo root:x:0:0 > {tree}/etc/passwd",
            $"echo secret > {tree}/etc/shadow && chown 0:42 {tree}/etc/shadow && chmod 640 {tree}/etc/shadow",
            $"chmod 700 {tree}/etc/ssh && echo key > {tree}/etc/ssh/key",
            $"echo x > {tree}/suid && chmod 4755 {tree}/suid",
            $"echo n > {tree}/nobody && chown 65534:65534 {tree}/nobody",
            $"chown 1000:1000 {tree}/home/u",
            $"ln -s /etc/passwd {tree}/link",
            $"chown 1000:1000 {machines}");

        var results = await NamespaceProbe.RunAsync(asTestUser: true, project.Path, "enter=" + make, $"clone={tree}={root}");

        Assert.All(results.Skip(1), r => Assert.True(NamespaceProbe.Step(r).Exit == 0, NamespaceProbe.Step(r).Stderr));
        Assert.Equal("copy", NamespaceProbe.Step(results[2]).Stdout);
        Assert.Equal((s, sg), Owner(root));
        Assert.Equal((s, sg), Owner(Path.Combine(root, "etc", "passwd")));
        Assert.Equal((s, sg + 42), Owner(Path.Combine(root, "etc", "shadow")));
        Assert.Equal((s + 65534, sg + 65534), Owner(Path.Combine(root, "nobody")));
        Assert.Equal(((long)uid, (long)gid), Owner(Path.Combine(root, "home", "u")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("4755", 8), File.GetUnixFileMode(Path.Combine(root, "suid")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(Path.Combine(root, "etc", "ssh")));
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(root, "link")).LinkTarget);
        Assert.Equal("secret\n", await File.ReadAllTextAsync(Path.Combine(root, "etc", "shadow")));
        // The user alone cannot remove what guest root owns: the removal below proves it went through the namespace.
        var plain = await new Diskless.Cli.Processes.CliWrapCommandRunner(new RecordingProgress()).RunAsync(
            new Diskless.Abstractions.CommandSpec(TestUser.Run("rm", "-rf", root)[0], TestUser.Run("rm", "-rf", root)[1..]) { SuccessExitCodes = [0, 1] }, CancellationToken.None);
        Assert.Equal(1, plain.ExitCode);

        var removed = await NamespaceProbe.RunAsync(asTestUser: true, project.Path, $"remove={machine}={machines}");

        Assert.Equal("Removed", NamespaceProbe.Step(removed[1]).Stdout);
        Assert.False(Path.Exists(machine));
        Assert.True(File.Exists(Path.Combine(tree, "etc", "shadow")));
    }

    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "mv", Root = true, OtherUser = true, Timeout = 180_000)]
    public async Task As_the_user_the_base_cache_gives_the_tree_to_guest_root_and_moves_it_into_place_from_the_namespace()
    {
        var (uid, gid) = NamespaceHolderAsUserTests.TestUserIds();
        var s = SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid)!.Start;
        var sg = SubordinateIds.Read(SubordinateIds.GidFile, TestUser.Name, uid)!.Start;
        await using var project = await IsolationFolder.CreateAsync(uid, gid);
        var data = project.Combine("data");

        // A failed build first: its half tree (guest root's, which the user cannot remove) goes from inside.
        var results = await NamespaceProbe.RunAsync(asTestUser: true, project.Path, "cache-fail=" + data, "cache=" + data);

        Assert.Equal(1, NamespaceProbe.Step(results[1]).Exit);
        Assert.Contains("failed on purpose", NamespaceProbe.Step(results[1]).Stderr, StringComparison.Ordinal);
        var built = NamespaceProbe.Step(results[2]);
        Assert.True(built.Exit == 0, built.Stderr);
        var basePath = built.Stdout;
        Assert.Equal(Path.Combine(data, "bases"), Path.GetDirectoryName(basePath));
        Assert.Contains("-map", Path.GetFileName(basePath), StringComparison.Ordinal);
        // The tree's "/" is guest root's, not the user's; the cache's own folders stay the user's (0700).
        Assert.Equal((s, sg), Owner(basePath));
        Assert.Equal((s, sg + 42), Owner(Path.Combine(basePath, "etc", "shadow")));
        foreach (var folder in new[] { "tmp", "bases", "machines" })
        {
            Assert.Equal(((long)uid, (long)gid), Owner(Path.Combine(data, folder)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(data, folder)));
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "tmp")));
    }

    private static (long, long) Owner(string path) => FileStatus.Read(path, followLinks: false) is { } st ? (st.Uid, st.Gid) : throw new FileNotFoundException(path);
}
