using System.Globalization;

namespace Diskless.Abstractions;

/// <summary>
/// Sends signals with kill(1) through an <see cref="ICommandRunner"/>, so they are logged. Never through sudo: a
/// process Diskless may not signal as itself is not one it should be signalling (a pid reused by someone else, or a
/// record that names another user's process), and its caller says so instead.
/// </summary>
public static class ProcessSignals
{
    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> as Diskless itself. A process that is already gone is
    /// no error: the result is then false, and true when the signal was delivered.
    /// </summary>
    public static async Task<bool> SignalAsync(this ICommandRunner runner, int pid, ProcessSignal signal, CancellationToken cancellationToken)
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
            // kill exits 1 when the process is gone already, which is what the caller wanted anyway.
            SuccessExitCodes = [0, 1],
        };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }
}
