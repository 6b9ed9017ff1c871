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

    [Fact(Timeout = 30_000)]
    public async Task A_recognised_boot_failure_ends_the_wait_at_once_with_its_console_lines()
    {
        var failure = new BootFailure("the guest kernel panicked", "look at the console", ["[ 1.0] Kernel panic - not syncing: oops"]);
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<DisklessException>(() => SshReadiness.WaitAsync(
            ClosedPort(), TimeSpan.FromMinutes(5), _ => Task.FromResult<BootFailure?>(failure), progress, CancellationToken.None));

        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        Assert.Equal("the guest kernel panicked\nlast console lines:\n  [ 1.0] Kernel panic - not syncing: oops", error.Message);
        Assert.Equal("look at the console", error.Hint);
        Assert.Contains(progress.Lines, l => l.StartsWith("failed: waiting for SSH", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_guest_that_never_answers_times_out_with_the_last_error_and_console_lines()
    {
        var checks = 0;

        var error = await Assert.ThrowsAsync<DisklessException>(() => SshReadiness.WaitAsync(
            ClosedPort(),
            TimeSpan.FromSeconds(2),
            _ => { checks++; return Task.FromResult<BootFailure?>(null); },
            new RecordingProgress(),
            CancellationToken.None,
            _ => Task.FromResult<IReadOnlyList<string>>(["Begin: Loading essential drivers ... done."])));

        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        Assert.StartsWith("the guest did not answer SSH on 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("(last error: connection refused)", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("last console lines:\n  Begin: Loading essential drivers ... done.", error.Message, StringComparison.Ordinal);
        Assert.Contains("boot_timeout", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("--timeout", error.Hint, StringComparison.Ordinal);
        Assert.InRange(checks, 3, 20);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_the_wait_stops_it()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SshReadiness.WaitAsync(
            ClosedPort(), TimeSpan.FromMinutes(5), _ => Task.FromResult<BootFailure?>(null), new RecordingProgress(), cancel.Token));
    }
}
