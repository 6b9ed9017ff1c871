namespace Diskless.Cli.Processes;

/// <summary>A command after lookup: the program's absolute path, and what runs in front of it (sudo, env) if anything.</summary>
internal sealed record ResolvedCommand(IReadOnlyList<string> Prefix, string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The executable actually started.</summary>
    public string FileName => Prefix.Count > 0 ? Prefix[0] : Program;

    /// <summary>Its arguments: the rest of the prefix, then the program and its own arguments.</summary>
    public IReadOnlyList<string> FullArguments => Prefix.Count > 0 ? [.. Prefix.Skip(1), Program, .. Arguments] : Arguments;
}
