using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security;
using System.Text;
using Diskless.Abstractions;
using DotLiquid;

namespace Diskless.Cli.Templates;

/// <summary>
/// <see cref="ITemplates"/> over DotLiquid. Templates are embedded resources named <c>*.Templates.&lt;name&gt;</c> in
/// their owner's assembly. A view model is turned into a tree of hashes whose keys are its properties in snake_case,
/// and a name the model does not have is an error, never an empty string. Templates ending in <c>.xml.liquid</c> get
/// every value XML-escaped.
/// </summary>
/// <remarks>
/// The design names Fluid; Fluid.Core 2.41.1 cannot run here because the only Parlot on the registry (2.2.1) lacks a
/// method it calls (MissingMethodException on first render). DotLiquid renders the same Liquid files.
/// </remarks>
public sealed class LiquidTemplates : ITemplates
{
    private readonly ConcurrentDictionary<(Assembly, string), Template> _parsed = new();

    /// <inheritdoc />
    public string Render<TModel>(Assembly owner, string templateName, TModel model)
        where TModel : notnull
    {
        ArgumentNullException.ThrowIfNull(owner);
        var template = _parsed.GetOrAdd((owner, templateName), key => Parse(key.Item1, key.Item2));
        var xml = templateName.EndsWith(".xml.liquid", StringComparison.Ordinal);
        var parameters = new RenderParameters(CultureInfo.InvariantCulture)
        {
            LocalVariables = (Hash)ToLiquid(model, xml, templateName)!,
            ErrorsOutputMode = ErrorsOutputMode.Rethrow,
            SyntaxCompatibilityLevel = SyntaxCompatibility.DotLiquid22a,
        };
        try
        {
            // A parsed Template keeps per-render state: one render at a time.
            lock (template)
            {
                return template.Render(parameters);
            }
        }
        catch (Exception e) when (e is not TemplateVariableException)
        {
            throw new InvalidOperationException($"Template {templateName} of {owner.GetName().Name}: {e.Message}", e);
        }
    }

    private static Template Parse(Assembly owner, string templateName)
    {
        var resource = owner.GetManifestResourceNames()
            .SingleOrDefault(n => n.EndsWith(".Templates." + templateName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{owner.GetName().Name} embeds no template {templateName} (expected Templates/{templateName} as an EmbeddedResource)");
        using var stream = owner.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return Template.Parse(reader.ReadToEnd(), SyntaxCompatibility.DotLiquid22a);
    }

    private static object? ToLiquid(object? value, bool xml, string templateName) => value switch
    {
        null => null,
        string s => xml ? SecurityElement.Escape(s) : s,
        bool or int or long or double or decimal => value,
        Enum e => e.ToString(),
        IDictionary dictionary => Strict(dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => ToLiquid(dictionary[k], xml, templateName)), templateName),
        IEnumerable items => items.Cast<object?>().Select(i => ToLiquid(i, xml, templateName)).ToList(),
        _ when value.GetType().IsPrimitive => value,
        _ => Strict(
            value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                .ToDictionary(p => SnakeCase(p.Name), p => ToLiquid(p.GetValue(value), xml, templateName)),
            templateName),
    };

    private static Hash Strict(Dictionary<string, object?> members, string templateName)
    {
        var hash = new Hash((_, key) => throw new TemplateVariableException($"Template {templateName} reads '{key}', which its model does not have"));
        foreach (var (key, member) in members)
        {
            hash[key] = member;
        }

        return hash;
    }

    private static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }
}

/// <summary>A template read a variable its view model does not have.</summary>
public sealed class TemplateVariableException(string message) : InvalidOperationException(message);
