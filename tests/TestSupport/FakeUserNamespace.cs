using Diskless.Abstractions;

namespace Diskless.Testing;

/// <summary>
/// A user namespace for unit tests: <see cref="Enter"/> wraps a command the way the real holder does (nsenter as
/// guest root, the program after "--"), with a fixed pid, so transcripts show exactly what would be entered.
/// </summary>
public sealed class FakeUserNamespace(IdMap map) : IUserNamespace
{
    /// <summary>The pid the fake nsenter targets.</summary>
    public const string HolderPid = "4242";

    /// <summary>A namespace whose guest root is host 100000 and whose guest 1000 is host 1500.</summary>
    public FakeUserNamespace()
        : this(new IdMap(100000, 1500, 100000, 1500))
    {
    }

    /// <inheritdoc />
    public IdMap Map { get; } = map;

    /// <inheritdoc />
    public CommandSpec Enter(CommandSpec inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.RequiresRoot)
        {
            throw new ArgumentException("a command entered into the user namespace cannot ask for host root", nameof(inner));
        }

        List<string> arguments = ["-t", HolderPid, "-U", "-m", "-S", "0", "-G", "0"];
        if (inner.WorkingDirectory is not null)
        {
            arguments.Add("--wd=" + inner.WorkingDirectory);
        }

        return inner with { FileName = "nsenter", Arguments = [.. arguments, "--", inner.FileName, .. inner.Arguments], WorkingDirectory = null, WrappedProgram = inner.ShownProgram };
    }

    /// <summary>The program an entered command runs (what follows "--"); null for a command that was not entered.</summary>
    public static string? EnteredProgram(CommandSpec command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var separator = command.FileName == "nsenter" ? command.Arguments.ToList().IndexOf("--") : -1;
        return separator < 0 ? null : command.Arguments[separator + 1];
    }
}
