namespace Diskless.Abstractions;

/// <summary>One problem with a Disklessfile, found by the host or by a plugin's validation.</summary>
/// <param name="Message">What is wrong and what was expected, e.g. "expected a memory size such as \"2GiB\", found \"2 gigs\"".</param>
/// <param name="Location">Where; null when the problem is not tied to one place.</param>
/// <param name="Hint">A suggestion, e.g. "did you mean 'packages'?"; null when there is none.</param>
public sealed record SpecIssue(string Message, SourceLocation? Location = null, string? Hint = null)
{
    /// <summary>
    /// Something the user should know that does not make the Disklessfile invalid (a setting that works only with a
    /// patched tool, a check switched off): printed, never fatal.
    /// </summary>
    public bool IsWarning { get; init; }

    /// <summary><c>file:line:column: message (hint)</c>, with "warning: " before the message of a warning.</summary>
    public override string ToString()
    {
        var where = (Location is null ? "" : $"{Location}: ") + (IsWarning ? "warning: " : "");
        var hint = Hint is null ? "" : $" ({Hint})";
        return where + Message + hint;
    }
}
