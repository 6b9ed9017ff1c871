using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>A parsed Disklessfile: every machine it defines, fully resolved.</summary>
/// <param name="DisklessfilePath">The Disklessfile's absolute path.</param>
/// <param name="ProjectDirectory">The folder holding it; relative paths in it resolve against this folder.</param>
/// <param name="Machines">The machines, in the order written (one, named after the project, without <c>[machines.*]</c>).</param>
public sealed record ProjectSpec(string DisklessfilePath, string ProjectDirectory, IReadOnlyList<MachineSpec> Machines)
{
    // Hashed on first use: only the trust gate and `diskless trust` read it, and the platform's SHA-256 starts OpenSSL,
    // which a command that only reads the file (status) need not pay for.
    private Lazy<string> _contentSha256 = new("");

    /// <summary>The SHA-256 of the Disklessfile's text as it was parsed, in hex: what <c>diskless trust</c> consents to.</summary>
    public string ContentSha256 { get => _contentSha256.Value; init => _contentSha256 = new(value); }

    /// <summary>What the file reaches past its project (<see cref="SpecIssue.IsRequest"/>), once validated; empty before.</summary>
    public IReadOnlyList<SpecIssue> Requests { get; init; } = [];

    /// <summary>A project parsed from <paramref name="text"/>, whose <see cref="ContentSha256"/> is computed when first read.</summary>
    internal static ProjectSpec Parsed(string disklessfilePath, string projectDirectory, IReadOnlyList<MachineSpec> machines, string text) =>
        new(disklessfilePath, projectDirectory, machines) { _contentSha256 = new(() => DisklessfileParser.ContentSha256(text)) };

    /// <summary>The machine named <paramref name="name"/>, or null.</summary>
    public MachineSpec? Find(string name) => Machines.FirstOrDefault(m => m.Name == name);
}
