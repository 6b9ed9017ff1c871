namespace Diskless.Abstractions;

/// <summary>An external command exited with a code it was not allowed to.</summary>
public sealed class CommandFailedException : DisklessException
{
    /// <summary>Creates the error from the command and what it printed.</summary>
    public CommandFailedException(CommandSpec command, int commandExitCode, IReadOnlyList<string> outputTail, string? hint = null)
        : base(BuildMessage(command, commandExitCode), hint, ExitCodes.ExternalToolFailed)
    {
        Command = command;
        CommandExitCode = commandExitCode;
        OutputTail = outputTail;
    }

    /// <summary>The command that failed.</summary>
    public CommandSpec Command { get; }

    /// <summary>The exit code the command returned.</summary>
    public int CommandExitCode { get; }

    /// <summary>The last lines of the command's combined output, oldest first.</summary>
    public IReadOnlyList<string> OutputTail { get; }

    private static string BuildMessage(CommandSpec command, int exitCode)
    {
        var what = command.Description is null ? command.ShownProgram : $"{command.Description} ({command.ShownProgram})";
        return $"{what} failed with exit code {exitCode}";
    }
}
