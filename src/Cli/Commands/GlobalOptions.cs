using System.CommandLine;
using Diskless.Cli.Composition;

namespace Diskless.Cli.Commands;

/// <summary>The options every command accepts.</summary>
public sealed class GlobalOptions
{
    /// <summary><c>--file/-f</c>: the Disklessfile to use instead of searching from the working directory.</summary>
    public Option<string?> File { get; } = new("--file", "-f")
    {
        Description = "The Disklessfile to use (default: the nearest Disklessfile at or above the current folder)",
        HelpName = "path",
        Recursive = true,
    };

    /// <summary><c>--verbose/-v</c>: show every external command and its output, and stack traces of unexpected errors.</summary>
    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show every external command and its output",
        Recursive = true,
    };

    /// <summary>The global values of one command line.</summary>
    public Globals Read(ParseResult parseResult, DisklessServices context) =>
        new(parseResult.GetValue(File), parseResult.GetValue(Verbose), context.WorkingDirectory);
}

/// <summary>The global options as given on one command line.</summary>
/// <param name="DisklessfileOption">The <c>--file</c> value; null to search from <paramref name="WorkingDirectory"/>.</param>
/// <param name="Verbose">Whether <c>--verbose</c> was given.</param>
/// <param name="WorkingDirectory">The folder the command runs in.</param>
public sealed record Globals(string? DisklessfileOption, bool Verbose, string WorkingDirectory);
