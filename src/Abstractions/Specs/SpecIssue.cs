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

    /// <summary>
    /// A setting that reaches past the project (a host program, a host path outside the project folder, extra QEMU
    /// arguments, a port open to the network): valid, but acted on only once the user trusts this exact Disklessfile
    /// (<c>diskless trust</c>). A Disklessfile comes with a repository someone else wrote.
    /// </summary>
    public bool IsRequest { get; init; }

    /// <summary>A request at <paramref name="location"/>: <paramref name="message"/> says what it reaches.</summary>
    public static SpecIssue Request(string message, SourceLocation? location) => new(message, location) { IsRequest = true };

    /// <summary><c>file:line:column: message (hint)</c>, with "warning: " or "request: " before the message of a warning or a request.</summary>
    public override string ToString()
    {
        var where = (Location is null ? "" : $"{Location}: ") + (IsWarning ? "warning: " : IsRequest ? "request: " : "");
        var hint = Hint is null ? "" : $" ({Hint})";
        return where + Message + hint;
    }
}
