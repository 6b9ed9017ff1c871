using Diskless.Abstractions;
using Diskless.Cli.Configuration.Toml;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Diskless.Cli.Configuration;

/// <summary>
/// Reads a Disklessfile into resolved machines: defaults applied, units converted, paths absolute. Every problem
/// (TOML syntax, unknown keys, wrong types, bad values) is collected in one pass and thrown together as a
/// <see cref="ConfigurationException"/>, each at the line and column of the offending key or value.
/// </summary>
public static class DisklessfileParser
{
    /// <summary>Reads and parses the Disklessfile at <paramref name="path"/>.</summary>
    public static ProjectSpec ParseFile(string path, string? displayPath = null) => Parse(File.ReadAllText(path), path, displayPath);

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="path"/> is where it lives (relative paths in it resolve against
    /// its folder). Error locations name <paramref name="displayPath"/>, or <paramref name="path"/> as given.
    /// </summary>
    public static ProjectSpec Parse(string text, string path, string? displayPath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        path = displayPath ?? path;
        var projectDirectory = Path.GetDirectoryName(fullPath)!;
        var root = ReadToml(text, path);
        var context = new ReadContext(projectDirectory, fullPath, []);
        var machines = ProjectReader.Read(root, context);
        ConfigurationException.ThrowIfAny(Sorted(context.Issues));
        return ProjectSpec.Parsed(fullPath, projectDirectory, machines, text);
    }

    /// <summary>
    /// The TOML tree of <paramref name="text"/>, every value with its place in <paramref name="path"/>; a syntax error
    /// is a <see cref="ConfigurationException"/> at its line and column. The Disklessfile and the user's own
    /// configuration are read alike.
    /// </summary>
    internal static TomlTable ReadToml(string text, string path)
    {
        var document = SyntaxParser.Parse(text, path, validate: true);
        if (document.HasErrors)
        {
            throw new ConfigurationException(Sorted(document.Diagnostics
                .Where(d => d.Kind == DiagnosticMessageKind.Error)
                .Select(d => new SpecIssue(d.Message, new SourceLocation(path, d.Span.Start.Line + 1, d.Span.Start.Column + 1)))));
        }

        return new TomlTreeBuilder(path).Build(document);
    }

    /// <summary>The SHA-256 of a Disklessfile's text, in hex: what a consent (<c>diskless trust</c>) names.</summary>
    public static string ContentSha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Issues in file order, each once (defaults inherited by several machines would repeat theirs).</summary>
    internal static IReadOnlyList<SpecIssue> Sorted(IEnumerable<SpecIssue> issues) =>
        // A valid file has none: no query to start (its generic code is compiled at run time, a millisecond of start-up).
        issues is ICollection<SpecIssue> { Count: 0 } ? [] : [.. issues.Distinct()
            .OrderBy(i => i.Location is null ? 1 : 0)
            .ThenBy(i => i.Location?.Line ?? 0)
            .ThenBy(i => i.Location?.Column ?? 0)];
}
