namespace Diskless.Abstractions;

/// <summary>An external command to run through <see cref="ICommandRunner"/>.</summary>
/// <param name="FileName">The program, as a name looked up on PATH or an absolute path.</param>
/// <param name="Arguments">The arguments, each passed as one argv entry (never through a shell).</param>
public sealed record CommandSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Creates a command from a program and its arguments.</summary>
    public CommandSpec(string fileName, params string[] arguments)
        : this(fileName, (IReadOnlyList<string>)arguments)
    {
    }

    /// <summary>A few words for progress and errors, e.g. "debootstrap bookworm"; defaults to the program name.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The program people know this command by, when <see cref="FileName"/> only wraps it (nsenter into a namespace,
    /// bwrap around a sandbox): errors name "mmdebstrap", not "nsenter". Null for a command that runs its own program.
    /// </summary>
    public string? WrappedProgram { get; init; }

    /// <summary>The program to name in messages: the wrapped one, else <see cref="FileName"/>.</summary>
    public string ShownProgram => WrappedProgram ?? FileName;

    /// <summary>The working directory; the current one when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Environment variables to set (a null value removes the variable).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Text written to the command's standard input, which is closed afterwards.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The command needs root: when the host does not run as root it is run through sudo.</summary>
    public bool RequiresRoot { get; init; }

    /// <summary>Exit codes that count as success; by default only 0. Any other raises <see cref="CommandFailedException"/>.</summary>
    public IReadOnlyList<int> SuccessExitCodes { get; init; } = [0];

    /// <summary>Called with every line of standard output and standard error as it arrives (progress, streaming).</summary>
    public Action<string>? OnOutputLine { get; init; }

    /// <summary>The command line as one shell-quoted string, for logs and transcripts.</summary>
    public override string ToString() => ShellQuoting.Join([FileName, .. Arguments]);
}
