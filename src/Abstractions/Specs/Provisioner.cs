namespace Diskless.Abstractions;

/// <summary>One <c>[[provision]]</c> entry; they run in the order written.</summary>
/// <param name="Location">Where it is written.</param>
public abstract record Provisioner(SourceLocation? Location)
{
    /// <summary>A short description for progress and errors, e.g. "shell: apt-get install -y nginx".</summary>
    public abstract string Describe();
}

/// <summary>A shell provisioner: an inline command or a local script, uploaded and run in the guest.</summary>
/// <param name="Inline">An inline shell command; null when <paramref name="ScriptPath"/> is set.</param>
/// <param name="ScriptPath">An absolute host path of a script; null when <paramref name="Inline"/> is set.</param>
/// <param name="Privileged">Run with sudo (default true).</param>
/// <param name="Environment">Environment variables for the command.</param>
/// <param name="Location">Where it is written.</param>
public sealed record ShellProvisioner(
    string? Inline,
    string? ScriptPath,
    bool Privileged,
    IReadOnlyDictionary<string, string> Environment,
    SourceLocation? Location) : Provisioner(Location)
{
    /// <inheritdoc />
    public override string Describe() => Inline is not null ? $"shell: {FirstLine(Inline)}" : $"script: {ScriptPath}";

    // A multi-line script reads best in progress and status as its first line and a count.
    private static string FirstLine(string script)
    {
        var lines = script.Trim().Split('\n');
        return lines.Length == 1 ? lines[0] : $"{lines[0]} … ({lines.Length} lines)";
    }
}

/// <summary>A file provisioner: uploads a host file to a guest path over SFTP.</summary>
/// <param name="Source">Absolute host path.</param>
/// <param name="Destination">Guest path.</param>
/// <param name="Location">Where it is written.</param>
public sealed record FileProvisioner(string Source, string Destination, SourceLocation? Location) : Provisioner(Location)
{
    /// <inheritdoc />
    public override string Describe() => $"file: {Source} -> {Destination}";
}
