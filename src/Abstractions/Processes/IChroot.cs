namespace Diskless.Abstractions;

/// <summary>
/// Runs commands inside a root filesystem folder. Bind-mounts /proc, /sys, /dev and /dev/pts into the
/// root first and unmounts them in every case (success, failure, exception, cancellation), so nothing is
/// ever left mounted under a machine or base folder.
/// </summary>
public interface IChroot
{
    /// <summary>Runs <paramref name="command"/> (a program path inside the root and its arguments) chrooted into <paramref name="rootDirectory"/>.</summary>
    Task<CommandResult> RunAsync(string rootDirectory, CommandSpec command, CancellationToken cancellationToken);
}
