namespace Diskless.Abstractions;

/// <summary>
/// The one way Diskless runs an external program. The real runner logs every command (shown with
/// <c>--verbose</c>), adds sudo where <see cref="CommandSpec.RequiresRoot"/> asks for it, and on
/// cancellation interrupts the program gracefully (SIGINT) before killing it. Tests use a recording fake.
/// </summary>
public interface ICommandRunner
{
    /// <summary>
    /// Runs the command to completion. Throws <see cref="CommandFailedException"/> when the exit code is not
    /// in <see cref="CommandSpec.SuccessExitCodes"/>, and <see cref="DisklessException"/> when the program does not exist.
    /// </summary>
    Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a long-lived helper (virtiofsd, for instance) in its own session so that it outlives this
    /// process and is not hit by the terminal's Ctrl-C; its output goes to <paramref name="logPath"/>.
    /// Returns its process id, which the caller records to stop it later.
    /// </summary>
    Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken);
}
