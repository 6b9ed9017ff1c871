using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>Signals processes (kill through ICommandRunner) and waits for them to go, by polling the process table.</summary>
internal sealed class ProcessControl(IProcessTable table, QemuTimings timings)
{
    public IProcessTable Table => table;

    /// <summary>Sends <paramref name="signal"/> ("TERM", "KILL"); a process that is already gone is fine.</summary>
    public Task SignalAsync(ICommandRunner runner, int pid, string signal, CancellationToken cancellationToken) =>
        runner.RunAsync(
            new CommandSpec("kill", "-" + signal, pid.ToString(CultureInfo.InvariantCulture))
            {
                Description = $"kill -{signal}",
                RequiresRoot = true,
                SuccessExitCodes = [0, 1],
            },
            cancellationToken);

    /// <summary>Waits until <paramref name="pid"/> has exited; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (table.IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(timings.PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>SIGKILL and wait; used where nothing is worth waiting for (a failed start, an escalated stop).</summary>
    public async Task<bool> KillAsync(ICommandRunner runner, int pid, CancellationToken cancellationToken)
    {
        if (!table.IsAlive(pid))
        {
            return true;
        }

        await SignalAsync(runner, pid, "KILL", cancellationToken).ConfigureAwait(false);
        return await WaitForExitAsync(pid, timings.KillTimeout, cancellationToken).ConfigureAwait(false);
    }
}
