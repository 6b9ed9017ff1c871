using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>A parsed Disklessfile: every machine it defines, fully resolved.</summary>
/// <param name="DisklessfilePath">The Disklessfile's absolute path.</param>
/// <param name="ProjectDirectory">The folder holding it; relative paths in it resolve against this folder.</param>
/// <param name="Machines">The machines, in the order written (one, named after the project, without <c>[machines.*]</c>).</param>
public sealed record ProjectSpec(string DisklessfilePath, string ProjectDirectory, IReadOnlyList<MachineSpec> Machines)
{
    /// <summary>The SHA-256 of the Disklessfile's text as it was parsed, in hex: what <c>diskless trust</c> consents to.</summary>
    public string ContentSha256 { get; init; } = "";

    /// <summary>What the file reaches past its project (<see cref="SpecIssue.IsRequest"/>), once validated; empty before.</summary>
    public IReadOnlyList<SpecIssue> Requests { get; init; } = [];

    /// <summary>The machine named <paramref name="name"/>, or null.</summary>
    public MachineSpec? Find(string name) => Machines.FirstOrDefault(m => m.Name == name);
}
