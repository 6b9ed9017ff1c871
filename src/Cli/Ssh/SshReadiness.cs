using System.Net.Sockets;
using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>Waits until a booting guest accepts an SSH login, failing fast when its console shows it cannot boot.</summary>
public static class SshReadiness
{
    // Short and constant: a failed attempt costs the guest nothing (QEMU answers the TCP connect itself), while every
    // interval of waiting is added to the boot: with a backoff up to 2 s, up was seen to notice sshd ~1 s late.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    // Whether the boot failed is asked less often than SSH: the provider's answer reads the console and the process
    // table and counts virtiofsd's descriptors (libvirt's runs virsh): host CPU taken from a TCG guest booting on the
    // same cores, five times a second when asked every poll. A failure is still seen within a second.
    private static readonly TimeSpan BootCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TcpTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SshTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Polls until <paramref name="target"/> accepts a login and runs <c>true</c>: a TCP connect first, then SSH, every
    /// 200 ms. After the first failed attempt and then at most once a second <paramref name="bootFailed"/> is asked
    /// whether the guest has failed (it has stopped, or its console shows a panic); if so the wait ends at once with that
    /// failure. A host key mismatch is never retried. Returns how long
    /// the guest took. <paramref name="consoleTail"/>, when given, supplies the console lines shown on a timeout.
    /// <paramref name="time"/> measures the timeout and paces the polls (the system clock when null); each attempt's
    /// own network timeouts run on the system clock, since they bound real sockets.
    /// </summary>
    public static async Task<TimeSpan> WaitAsync(
        SshTarget target,
        TimeSpan timeout,
        Func<CancellationToken, Task<BootFailure?>> bootFailed,
        IProgressReporter progress,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<IReadOnlyList<string>>>? consoleTail = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(bootFailed);
        ArgumentNullException.ThrowIfNull(progress);
        var clock = time ?? TimeProvider.System;
        var started = clock.GetTimestamp();
        TimeSpan Elapsed() => clock.GetElapsedTime(started);
        var attempts = 0;
        TimeSpan? lastBootCheck = null;
        string lastError = "no attempt finished";
        using var stage = progress.BeginStage($"waiting for SSH on {target.Address}");
        try
        {
            while (true)
            {
                attempts++;
                var error = await TryOnceAsync(target, Remaining(timeout, Elapsed()), cancellationToken).ConfigureAwait(false);
                if (error is null)
                {
                    progress.Verbose($"SSH answered on {target.Address} after {Elapsed().TotalSeconds:0.0} s ({attempts} attempts)");
                    return Elapsed();
                }

                lastError = error;
                stage.Update($"{Elapsed().TotalSeconds:0} s: {error}");
                if (lastBootCheck is not { } checkedAt || Elapsed() - checkedAt >= BootCheckInterval || Elapsed() >= timeout)
                {
                    lastBootCheck = Elapsed();
                    if (await bootFailed(cancellationToken).ConfigureAwait(false) is { } failure)
                    {
                        throw Failed(failure.Problem, failure.Hint, failure.LastLines);
                    }
                }

                if (Elapsed() >= timeout)
                {
                    var lines = consoleTail is null ? [] : await consoleTail(cancellationToken).ConfigureAwait(false);
                    throw Failed(
                        $"the guest did not answer SSH on {target.Address} within {timeout.TotalSeconds:0} s (last error: {lastError})",
                        "The console log shows how far it booted; without KVM a boot is several times slower (more on a busy host), "
                        + $"so a longer boot_timeout in the Disklessfile may help, e.g. boot_timeout = \"{new DurationValue(timeout * 2)}\".",
                        lines);
                }

                await Task.Delay(Min(PollInterval, Remaining(timeout, Elapsed())), clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            stage.Fail();
            throw;
        }
    }

    /// <summary>One attempt; null when the guest logged us in and ran <c>true</c>, else why not.</summary>
    private static async Task<string?> TryOnceAsync(SshTarget target, TimeSpan remaining, CancellationToken cancellationToken)
    {
        // A bare TCP connect is cheap and tells "nothing listening yet" apart from SSH trouble.
        using (var tcp = new TcpClient())
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            attempt.CancelAfter(Budget(TcpTimeout, remaining));
            try
            {
                await tcp.ConnectAsync(target.Endpoint.Host, target.Endpoint.Port, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return "TCP connect timed out";
            }
            catch (SocketException e)
            {
                return e.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : e.Message;
            }
        }

        try
        {
            using var session = await SshConnector.ConnectAsync(target, Budget(SshTimeout, remaining), cancellationToken).ConfigureAwait(false);
            var exit = await session.ExecAsync("true", null, null, cancellationToken).ConfigureAwait(false);
            return exit == 0 ? null : $"`true` exited with {exit}";
        }
        catch (HostKeyMismatchException)
        {
            throw;
        }
        catch (DisklessException e) when (e.ExitCode == ExitCodes.BootFailed)
        {
            // Not reachable or not accepting us yet: a booting guest goes through both. Anything else (an unreadable
            // key, say) will not get better by waiting and propagates.
            return e.Message;
        }
        catch (Renci.SshNet.Common.SshException e)
        {
            // Logged in, but the command's channel timed out or dropped: a guest still busy booting on a loaded host
            // (seen at load 20: "Session operation has timed out" failed up while sshd had just started).
            return e.Message;
        }
    }

    private static DisklessException Failed(string problem, string hint, IReadOnlyList<string> lines)
    {
        var message = lines.Count == 0
            ? problem
            : problem + "\nlast console lines:\n" + string.Join('\n', lines.Select(l => "  " + l));
        return new DisklessException(message, hint, ExitCodes.BootFailed);
    }

    private static TimeSpan Remaining(TimeSpan timeout, TimeSpan elapsed) =>
        timeout - elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    // The last attempt still gets a fair chance: a second beyond the deadline beats failing on a self-inflicted timeout.
    private static TimeSpan Budget(TimeSpan limit, TimeSpan remaining) =>
        remaining < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Min(limit, remaining);
}
