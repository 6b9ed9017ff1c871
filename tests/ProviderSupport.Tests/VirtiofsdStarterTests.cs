using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

/// <summary>Starting virtiofsd and waiting for its socket, with real processes standing in for it (sh).</summary>
public sealed class VirtiofsdStarterTests : IDisposable
{
    private static readonly Share Root = new(Share.RootTag, "/var/lib/diskless/machines/dev/root", "/", ShareTransport.VirtioFs);
    private readonly TempDirectory _folder = new("diskless-virtiofsd-start-");
    private readonly RealHost _host;
    private readonly List<int> _started = [];

    public VirtiofsdStarterTests() => _host = new RealHost(_folder.Combine("data"));

    private string Socket => _folder.Combine("virtiofsd-0.sock");

    private string Log => _folder.Combine("virtiofsd-0.log");

    public void Dispose()
    {
        foreach (var pid in _started.Where(_host.Processes.IsAlive))
        {
            _host.Commands.SignalAsync(pid, ProcessSignal.Kill, CancellationToken.None).GetAwaiter().GetResult();
        }

        _folder.Dispose();
    }

    [RequiresFact("sh", "sleep", Timeout = 30000)]
    public async Task The_start_returns_once_the_socket_exists_with_the_pid_recorded()
    {
        // Like virtiofsd, it keeps serving after it made its socket: one that exited at once would race the poll.
        await VirtiofsdStarter.StartAsync(
            new CommandSpec("sh", "-c", $"echo serving; : > '{Socket}'; exec sleep 60"), Root, Socket, Log, _host, _started, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.True(File.Exists(Socket));
        Assert.True(_host.Processes.IsAlive(Assert.Single(_started)));
    }

    [RequiresFact("sh", Timeout = 30000)]
    public async Task A_virtiofsd_that_exits_before_its_socket_is_reported_with_the_end_of_its_log()
    {
        var error = await Assert.ThrowsAsync<DisklessException>(() => VirtiofsdStarter.StartAsync(
            new CommandSpec("sh", "-c", "echo 'Error: Failed to open shared directory'; exit 1"), Root, Socket, Log, _host, _started, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20), CancellationToken.None));

        Assert.StartsWith("virtiofsd for 'rootfs' (/var/lib/diskless/machines/dev/root) exited before it opened its socket.", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("\nError: Failed to open shared directory", error.Message, StringComparison.Ordinal);
        Assert.Equal($"See its log: {Log}", error.Hint);
        Assert.Single(_started);
    }

    [RequiresFact("sh", "sleep", Timeout = 30000)]
    public async Task A_virtiofsd_that_runs_without_a_socket_is_given_up_on_after_the_timeout_and_left_to_the_caller()
    {
        var error = await Assert.ThrowsAsync<DisklessException>(() => VirtiofsdStarter.StartAsync(
            new CommandSpec("sh", "-c", "exec sleep 60"), Root, Socket, Log, _host, _started, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(20), CancellationToken.None));

        Assert.StartsWith($"virtiofsd for 'rootfs' did not create {Socket} within 0 s.", error.Message, StringComparison.Ordinal);
        // Still running: stopping it is the caller's, by the pid it was given before the wait.
        var pid = Assert.Single(_started);
        Assert.True(_host.Processes.IsAlive(pid));
    }
}
