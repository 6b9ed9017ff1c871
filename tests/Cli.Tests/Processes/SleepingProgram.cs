using System.Globalization;
using Diskless.Abstractions;
using Diskless.Cli.Processes;

namespace Diskless.Cli.Tests.Processes;

/// <summary>
/// A sleep that outlives any test, run through a command runner until cancelled; exec'd by its shell, so it keeps the
/// pid the shell printed. Killed on dispose if a failed test left it running.
/// </summary>
internal sealed class SleepingProgram : IAsyncDisposable
{
    private static readonly ProcProcessTable Processes = new();

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private SleepingProgram(Task<CommandResult> run, int pid, CancellationTokenSource cancel)
    {
        Run = run;
        Pid = pid;
        Cancel = cancel;
    }

    public Task<CommandResult> Run { get; }

    public int Pid { get; }

    public CancellationTokenSource Cancel { get; }

    public static async Task<SleepingProgram> StartAsync(ICommandRunner runner, bool ignoresInterrupt)
    {
        var pid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A program started from a background job of a shell without job control inherits SIGINT ignored, and a shell
        // cannot undo that; env can, so the program that should heed the interrupt does, wherever the suite runs.
        // The pid is printed only once SIGINT is back to its default: an interrupt sent on seeing it must land.
        var script = ignoresInterrupt ? "trap '' INT; echo $$; exec sleep 600" : "exec env --default-signal=INT /bin/sh -c 'echo $$; exec sleep 600'";
        var command = new CommandSpec("/bin/sh", "-c", script) { OnOutputLine = l => pid.TrySetResult(int.Parse(l, CultureInfo.InvariantCulture)) };
        var cancel = new CancellationTokenSource();
        var run = runner.RunAsync(command, cancel.Token);
        return new SleepingProgram(run, await pid.Task.WaitAsync(StartTimeout), cancel);
    }

    public async ValueTask DisposeAsync()
    {
        if (Processes.IsAlive(Pid))
        {
            using var kill = System.Diagnostics.Process.GetProcessById(Pid);
            kill.Kill();
        }

        await ((Task)Run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Cancel.Dispose();
    }
}
