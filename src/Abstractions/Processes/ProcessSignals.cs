using System.Globalization;

namespace Diskless.Abstractions;

/// <summary>Sends signals with kill(1) through an <see cref="ICommandRunner"/>, so they are logged and may go through sudo.</summary>
public static class ProcessSignals
{
    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/>; <paramref name="asRoot"/> for a process started as
    /// root (through sudo when Diskless is not root). A process that is already gone is no error: the result is then
    /// false, and true when the signal was delivered.
    /// </summary>
    public static async Task<bool> SignalAsync(this ICommandRunner runner, int pid, ProcessSignal signal, bool asRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var name = signal switch
        {
            ProcessSignal.Interrupt => "INT",
            ProcessSignal.Terminate => "TERM",
            _ => "KILL",
        };
        var command = new CommandSpec("kill", "-" + name, pid.ToString(CultureInfo.InvariantCulture))
        {
            Description = $"signal {name} to pid {pid}",
            RequiresRoot = asRoot,

            // kill exits 1 when the process is gone already, which is what the caller wanted anyway.
            SuccessExitCodes = [0, 1],
        };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }
}
