using System.Net;
using System.Net.Sockets;
using Diskless.Cli.Isolation;
using Diskless.Cli.Tests.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// A program of a machine's root in the sandbox, entered through the holder, for real: as root and as the test user.
/// Each check has a control — the same command entered without the sandbox does reach the host — so a sandbox that
/// lets it through fails the test.
/// </summary>
public sealed class SandboxTests
{
    [RequiresFact("unshare", "nsenter", "bwrap", "busybox", Root = true, Timeout = 180_000)]
    public Task As_root_the_sandboxed_program_reaches_nothing_of_the_host_and_writes_as_the_range() =>
        RunAsync(asTestUser: false);

    [RequiresFact("runuser", "unshare", "nsenter", "newuidmap", "newgidmap", "bwrap", "busybox", Root = true, OtherUser = true, Timeout = 180_000)]
    public Task As_the_user_the_sandboxed_program_reaches_nothing_of_the_host_and_writes_as_the_range() =>
        RunAsync(asTestUser: true);

    private static async Task RunAsync(bool asTestUser)
    {
        var (uid, gid) = asTestUser ? NamespaceHolderAsUserTests.TestUserIds() : (4321, 4322);
        var name = asTestUser ? TestUser.Name : "root";
        var start = SubordinateIds.Read(SubordinateIds.UidFile, name, asTestUser ? uid : 0)?.Start ?? MachineIdMaps.RootRangeStart;
        var gidStart = SubordinateIds.Read(SubordinateIds.GidFile, name, asTestUser ? uid : 0)?.Start ?? MachineIdMaps.RootRangeStart;
        await using var project = await IsolationFolder.CreateAsync(uid, gid);
        await using var root = await TinyRoot.CreateAsync("touch", "chown", "id", "nc");

        // The tree belongs to the range, as a built machine root does; the marker to guest 1000, whose files guest
        // root may read when it can reach them at all.
        File.SetUnixFileMode(root.Path, (UnixFileMode)0b111_101_101);
        await IsolationFolder.ChownAsync(root.Path, start, gidStart, recursive: true);
        var marker = Path.Combine(Path.GetTempPath(), "diskless-sandbox-marker-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(marker, "host secret");
        File.SetUnixFileMode(marker, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await IsolationFolder.ChownAsync(marker, uid, gid, recursive: false);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = AcceptAsync(listener, () => Interlocked.Increment(ref accepted), stop.Token);
        try
        {
            var sandbox = "sandbox=" + root.Path + "=";
            var results = await NamespaceProbe.RunAsync(
                asTestUser,
                project.Path,
                $"enter=cat {marker}",
                $"{sandbox}cat {marker}",
                $"enter=busybox nc -w 5 127.0.0.1 {port} </dev/null",
                $"{sandbox}nc -w 5 127.0.0.1 {port} </dev/null",
                "enter=cat /proc/net/dev",
                $"{sandbox}cat /proc/net/dev",
                $"{sandbox}id -u && touch /sandbox-wrote && touch /sandbox-chowned && chown 42:42 /sandbox-chowned");
            var steps = results.Skip(1).Select(NamespaceProbe.Step).ToList();

            Assert.Equal((0, "host secret"), (steps[0].Exit, steps[0].Stdout));
            Assert.NotEqual(0, steps[1].Exit);
            Assert.DoesNotContain("host secret", steps[1].Stdout, StringComparison.Ordinal);

            Assert.Equal(0, steps[2].Exit);
            Assert.NotEqual(0, steps[3].Exit);
            // The control's connection was made before the probe returned; its accept may lag on a busy machine.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (Volatile.Read(ref accepted) < 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            await stop.CancelAsync();
            await accepting;
            Assert.Equal(1, accepted);

            // Outside the sandbox the holder sees the host's own interfaces, whatever they are; inside, only lo.
            Assert.Equal(Interfaces(await File.ReadAllTextAsync("/proc/net/dev")), Interfaces(steps[4].Stdout));
            Assert.Equal(["lo"], Interfaces(steps[5].Stdout));

            Assert.Equal((0, "0\n"), (steps[6].Exit, steps[6].Stdout));
            Assert.Equal((start, gidStart), Owner(root.Path + "/sandbox-wrote"));
            Assert.Equal((start + 42, gidStart + 42), Owner(root.Path + "/sandbox-chowned"));
            Assert.False(File.Exists("/sandbox-wrote"));
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            File.Delete(marker);
        }
    }

    private static async Task AcceptAsync(TcpListener listener, Action onConnection, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                onConnection();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // /proc/net/dev: two header lines, then "  name: counters…" per interface.
    private static List<string> Interfaces(string netDev) =>
        netDev.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(':')[0].Trim()).ToList();

    private static (long, long) Owner(string path) => FileStatus.Read(path) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);
}
