using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>
/// The Disklessfile has problems: all of them, each as <c>file:line:column: message (hint)</c> on its own line,
/// so one run shows everything to fix. Exits with <see cref="ExitCodes.InvalidConfiguration"/>.
/// </summary>
public sealed class ConfigurationException : DisklessException
{
    /// <summary>Creates the error from the problems found (at least one).</summary>
    public ConfigurationException(IReadOnlyList<SpecIssue> issues)
        : base(BuildMessage(issues), hint: null, ExitCodes.InvalidConfiguration)
    {
        Issues = issues;
    }

    /// <summary>The problems, in the order they appear in the file.</summary>
    public IReadOnlyList<SpecIssue> Issues { get; }

    /// <summary>Throws a <see cref="ConfigurationException"/> when <paramref name="issues"/> holds a problem that is neither a warning nor a request.</summary>
    public static void ThrowIfAny(IReadOnlyList<SpecIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (issues.Any(i => !i.IsWarning && !i.IsRequest))
        {
            throw new ConfigurationException([.. issues.Where(i => !i.IsRequest)]);
        }
    }

    private static string BuildMessage(IReadOnlyList<SpecIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        return string.Join('\n', issues.Select(i => i.ToString()));
    }
}
