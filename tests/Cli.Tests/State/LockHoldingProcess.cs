using System.Globalization;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>
/// Another process holding a machine's lock as a second diskless would: an exclusive flock(2) on the lock file (what
/// .NET takes for <see cref="FileShare.None"/>), taken by flock(1), and the holder note naming it beside it.
/// Killed on dispose if the test has not killed it.
/// </summary>
internal sealed class LockHoldingProcess : IAsyncDisposable
{
    private static readonly ProcProcessTable Processes = new();

    // Starting a process and taking a lock take milliseconds; this is for a machine too busy to say so.
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(20);

    private readonly ICommandRunner _runner;

    private LockHoldingProcess(ICommandRunner runner, int pid)
    {
        _runner = runner;
        Pid = pid;
    }

    public int Pid { get; }

    /// <summary>Starts the holder and returns once the kernel lists its lock and its note is written.</summary>
    public static async Task<LockHoldingProcess> StartAsync(string machineStateDirectory, string command, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(machineStateDirectory);
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var lockPath = Path.Combine(machineStateDirectory, MachineLock.LockFileName);
        var log = Path.Combine(machineStateDirectory, "holder.log");

        // --no-fork: the lock stays with the pid we are given, which then runs the sleep.
        var pid = await runner.StartDetachedAsync(new CommandSpec("flock", "--exclusive", "--no-fork", lockPath, "sleep", "600"), log, cancellationToken);
        var holder = new LockHoldingProcess(runner, pid);
        try
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(Generously);
            while (!HoldsFlock(pid))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), patience.Token);
            }

            var note = new LockHolder(pid, command, DateTimeOffset.Now);
            await JsonState.SaveAsync(Path.Combine(machineStateDirectory, MachineLock.HolderFileName), note, cancellationToken);
            return holder;
        }
        catch
        {
            await holder.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the holder outright (SIGKILL: no clean-up, its note stays) and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        await _runner.SignalAsync(Pid, ProcessSignal.Kill, cancellationToken);
        Assert.True(await Processes.WaitForExitAsync(Pid, Generously, cancellationToken), $"pid {Pid} outlived SIGKILL");
    }

    public async ValueTask DisposeAsync() =>
        await _runner.SignalAsync(Pid, ProcessSignal.Kill, CancellationToken.None);

    // /proc/locks lines read "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF": the pid is the fifth field.
    private static bool HoldsFlock(int pid) =>
        File.ReadLines("/proc/locks").Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, "FLOCK", _, _, var p, ..] && p == pid.ToString(CultureInfo.InvariantCulture));
}
