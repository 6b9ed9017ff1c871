using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;
using Diskless.Cli.Ssh;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

/// <summary>Readiness against a port nothing listens on: no guest ever answers.</summary>
public class SshReadinessTests
{
    private static SshTarget ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new SshTarget(new SshEndpoint("127.0.0.1", port), "dev", "/nonexistent/id_ed25519", [TestKeys.HostA]);
    }

    // Each attempt is a real connect to a closed port, refused at once; everything else runs on a fake clock that the
    // tests move exactly as far as the wait asks, so what happens within a timeout does not depend on the machine's speed.
    private readonly FakeClock _clock = new();

    [Fact(Timeout = 60_000)]
    public async Task A_recognised_boot_failure_ends_the_wait_at_once_with_its_console_lines()
    {
        var failure = new BootFailure("the guest kernel panicked", "look at the console", ["[ 1.0] Kernel panic - not syncing: oops"]);
        var progress = new RecordingProgress();
        var checks = 0;

        var error = await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(SshReadiness.WaitAsync(
            ClosedPort(), TimeSpan.FromMinutes(5), _ => { checks++; return Task.FromResult<BootFailure?>(failure); }, progress, CancellationToken.None, time: _clock)));

        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        Assert.Equal("the guest kernel panicked\nlast console lines:\n  [ 1.0] Kernel panic - not syncing: oops", error.Message);
        Assert.Equal("look at the console", error.Hint);
        Assert.Contains(progress.Lines, l => l.StartsWith("failed: waiting for SSH", StringComparison.Ordinal));
        Assert.Equal((1, TimeSpan.Zero), (checks, _clock.Elapsed));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_guest_that_never_answers_is_polled_every_200_ms_its_boot_checked_every_second_until_the_timeout_and_fails_with_the_last_error_and_console_lines()
    {
        var checkedAt = new List<TimeSpan>();
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(SshReadiness.WaitAsync(
            ClosedPort(),
            TimeSpan.FromSeconds(2),
            _ => { checkedAt.Add(_clock.Elapsed); return Task.FromResult<BootFailure?>(null); },
            progress,
            CancellationToken.None,
            _ => Task.FromResult<IReadOnlyList<string>>(["Begin: Loading essential drivers ... done."]),
            _clock)));

        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        Assert.StartsWith("the guest did not answer SSH on 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("within 2 s (last error: connection refused)", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("last console lines:\n  Begin: Loading essential drivers ... done.", error.Message, StringComparison.Ordinal);
        Assert.Equal(11, progress.Lines.Count(line => line.EndsWith(": connection refused", StringComparison.Ordinal)));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], checkedAt);
        Assert.Equal(TimeSpan.FromSeconds(2), _clock.Elapsed);
        Assert.Contains("boot_timeout", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("--timeout", error.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_the_wait_stops_it()
    {
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _clock.FastForwardAsync(SshReadiness.WaitAsync(
            ClosedPort(), TimeSpan.FromMinutes(5), _ => { cancel.Cancel(); return Task.FromResult<BootFailure?>(null); }, new RecordingProgress(), cancel.Token, time: _clock)));

        Assert.Equal(TimeSpan.Zero, _clock.Elapsed);
    }
}
