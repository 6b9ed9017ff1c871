using System.Reflection;

namespace Diskless.Cli.Templates;

/// <summary>A template failed to parse or to render: it names the template and where in it (1-based line and column).</summary>
public sealed class TemplateException(Assembly owner, string templateName, int line, int column, string reason, Exception? inner)
    : InvalidOperationException($"Template {templateName} of {owner.GetName().Name}, line {line}, column {column}: {reason}", inner)
{
    /// <summary>The template's file name, e.g. <c>fstab.liquid</c>.</summary>
    public string TemplateName { get; } = templateName;

    /// <summary>The assembly that embeds it.</summary>
    public string Owner { get; } = owner.GetName().Name ?? owner.FullName ?? "?";

    /// <summary>1-based line of the failing expression or syntax error.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the failing expression or syntax error.</summary>
    public int Column { get; } = column;
}
