namespace Diskless.Abstractions;

/// <summary>
/// An error meant for a person: what failed (<see cref="Exception.Message"/>), what to do about it
/// (<see cref="Hint"/>), and the exit code the program ends with. Plugins throw it for user errors;
/// the host prints it without a stack trace.
/// </summary>
public class DisklessException : Exception
{
    /// <summary>Creates an error with an optional hint and exit code.</summary>
    public DisklessException(string message, string? hint = null, int exitCode = ExitCodes.Failure, Exception? innerException = null)
        : base(message, innerException)
    {
        Hint = hint;
        ExitCode = exitCode;
    }

    /// <summary>What the user can do about it, ideally a command to run; null when there is nothing to add.</summary>
    public string? Hint { get; }

    /// <summary>The process exit code this error maps to (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; }
}
