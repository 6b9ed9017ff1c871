using System.Reflection;
using Scriban;
using Scriban.Parsing;

namespace Diskless.Cli.Templates;

/// <summary>The Liquid templates an assembly embeds (<c>Templates/*.liquid</c>), found and parsed.</summary>
internal static class EmbeddedTemplates
{
    private const string Folder = ".Templates.";

    /// <summary>The names (<c>fstab.liquid</c>) of every template <paramref name="owner"/> embeds.</summary>
    public static IReadOnlyList<string> Names(Assembly owner) =>
        owner.GetManifestResourceNames()
            .Where(n => n.EndsWith(".liquid", StringComparison.Ordinal) && n.Contains(Folder, StringComparison.Ordinal))
            .Select(n => n[(n.IndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads and parses one template; a syntax error is a <see cref="TemplateException"/> at its line and column.</summary>
    public static Template Parse(Assembly owner, string templateName)
    {
        var resource = owner.GetManifestResourceNames()
            .SingleOrDefault(n => n.EndsWith(Folder + templateName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{owner.GetName().Name} embeds no template {templateName} (expected Templates/{templateName} as an EmbeddedResource)");
        using var stream = owner.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        var template = Template.ParseLiquid(reader.ReadToEnd(), $"Templates/{templateName}");
        var error = template.Messages.FirstOrDefault(m => m.Type == ParserMessageType.Error);
        return error is null
            ? template
            : throw new TemplateException(owner, templateName, error.Span.Start.Line + 1, error.Span.Start.Column + 1, error.Message, null);
    }
}
