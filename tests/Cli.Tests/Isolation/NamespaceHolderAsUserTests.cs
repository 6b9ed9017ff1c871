using Diskless.Cli.Isolation;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// The holder as an ordinary user really gets it: the probe program runs as the test user through runuser, with the
/// user's own /etc/subuid range and newuidmap; this test, as root, then looks at the host's files and processes.
/// </summary>
public sealed class NamespaceHolderAsUserTests
{
    private static readonly ProcProcessTable Processes = new();

    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "setpriv", Root = true, OtherUser = true, Timeout = 180_000)]
    public async Task As_the_user_guest_root_is_the_users_range_and_guest_1000_the_user()
    {
        var (uid, gid) = TestUserIds();
        var start = SubordinateIds.Read(SubordinateIds.UidFile, TestUser.Name, uid)!.Start;
        var gidStart = SubordinateIds.Read(SubordinateIds.GidFile, TestUser.Name, uid)!.Start;
        await using var project = await IsolationFolder.CreateAsync(uid, gid);

        var results = await NamespaceProbe.RunAsync(
            asTestUser: true,
            project.Path,
            "enter=id -u; id -G",
            "enter=cat /proc/self/uid_map",
            $"enter=touch {project.Combine("as0")}",
            $"enter=setpriv --reuid=1000 --regid=1000 --clear-groups touch {project.Combine("as1000")}",
            $"enter=touch {project.Combine("chowned")} && chown 65534:42 {project.Combine("chowned")}");

        var holderPid = results[0].GetProperty("pid").GetInt32();
        Assert.Equal(new IdMap(start, uid, gidStart, gid).UidMapText, results[0].GetProperty("uidMap").GetString());
        Assert.Equal("0\n0\n", NamespaceProbe.Step(results[1]).Stdout);
        Assert.Contains($"1000 {uid} 1", Tidy(NamespaceProbe.Step(results[2]).Stdout), StringComparison.Ordinal);
        Assert.All(results.Skip(1), r => Assert.Equal(0, NamespaceProbe.Step(r).Exit));
        Assert.Equal((start, gidStart), Owner(project.Combine("as0")));
        Assert.Equal((uid, gid), Owner(project.Combine("as1000")));
        Assert.Equal((start + 65534, gidStart + 42), Owner(project.Combine("chowned")));

        // The holder ran as the user, and went with the probe's dispose.
        Assert.False(Processes.IsAlive(holderPid));
        Assert.Empty(Processes.FindByCommandLine(NamespaceHolder.ProcessName, project.Path));
    }

    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", Root = true, OtherUser = true, Timeout = 180_000)]
    public async Task As_the_user_the_holder_dies_with_its_diskless_even_when_that_is_killed()
    {
        var (uid, gid) = TestUserIds();
        await using var project = await IsolationFolder.CreateAsync(uid, gid);

        var holderOwner = await KillTheProbeAndWatchTheHolderGoAsync(asTestUser: true, project.Path);

        Assert.Equal(uid, holderOwner);
    }

    /// <summary>Starts the probe holding its namespace, SIGKILLs it (no dispose runs) and checks the holder follows; returns the holder's host uid.</summary>
    internal static async Task<int?> KillTheProbeAndWatchTheHolderGoAsync(bool asTestUser, string project)
    {
        var (probe, probePid, holderPid) = await NamespaceProbe.StartHoldingAsync(asTestUser, project);
        using (probe)
        {
            try
            {
                Assert.Equal(asTestUser ? TestUserIds().Uid : 0, Processes.OwnerUid(probePid));
                Assert.True(Processes.IsAlive(holderPid));
                Assert.Single(Processes.FindByCommandLine(NamespaceHolder.ProcessName, project));
                var owner = Processes.OwnerUid(holderPid);

                // Kill the program itself, not runuser in front of it: no dispose, no finally runs in there.
                System.Diagnostics.Process.GetProcessById(probePid).Kill();
                Assert.True(await Processes.WaitForExitAsync(holderPid, TimeSpan.FromSeconds(10), CancellationToken.None), "the holder outlived its diskless");
                Assert.Empty(Processes.FindByCommandLine(NamespaceHolder.ProcessName, project));
                await probe.WaitForExitAsync();
                return owner;
            }
            finally
            {
                // A failed check must not leave the probe (or a holder that outlived it) behind.
                foreach (var pid in new[] { probePid, holderPid }.Where(Processes.IsAlive))
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
            }
        }
    }

    internal static (int Uid, int Gid) TestUserIds()
    {
        var fields = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == TestUser.Name);
        return (int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (long, long) Owner(string path) => FileStatus.Read(path) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);

    private static string Tidy(string map) =>
        string.Join("\n", map.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
}
