namespace Diskless.Abstractions;

/// <summary>A place in a Disklessfile: 1-based line and column.</summary>
/// <param name="File">The file's path as the user named it or as it was found.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary><c>file:line:column</c>, the form editors and terminals link.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
