using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Diskless.Abstractions;
using DotLiquid;

namespace Diskless.Plugins.Debian.Tests.Support;

/// <summary>
/// A stand-in <see cref="ITemplates"/> over DotLiquid, used only while the host's FluidTemplates cannot run here:
/// the registry holds Fluid.Core 2.41.1, built against Parlot 1.5.9, but only Parlot 2.2.1, and FluidParser's
/// constructor throws MissingMethodException (Parlot.Fluent.Parsers.ZeroOrOne). Same contract: embedded
/// Templates/*.liquid, members in snake_case, an undefined variable is an error.
/// </summary>
internal sealed class DotLiquidTemplates : ITemplates
{
    private readonly ConcurrentDictionary<(Assembly, string), Template> _parsed = new();

    public string Render<TModel>(Assembly owner, string templateName, TModel model)
        where TModel : notnull
    {
        var template = _parsed.GetOrAdd((owner, templateName), key => Parse(key.Item1, key.Item2));
        var variables = (Hash)Convert(model)!;
        var parameters = new RenderParameters(CultureInfo.InvariantCulture) { LocalVariables = variables, ErrorsOutputMode = ErrorsOutputMode.Rethrow };
        lock (template)
        {
            return template.Render(parameters);
        }
    }

    private static Template Parse(Assembly owner, string templateName)
    {
        var resource = owner.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith(".Templates." + templateName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{owner.GetName().Name} embeds no template {templateName}");
        using var stream = owner.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return Template.Parse(reader.ReadToEnd());
    }

    private static object? Convert(object? value)
    {
        switch (value)
        {
            case null or string or bool or int or long or double:
                return value;
            case IEnumerable items:
                return items.Cast<object?>().Select(Convert).ToList();
        }

        // Strict variables: a name the model does not have throws instead of rendering as "".
        var hash = new Hash((_, key) => throw new InvalidOperationException($"undefined variable '{key}' in a {value.GetType().Name}"));
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                hash[SnakeCase(property.Name)] = Convert(property.GetValue(value));
            }
        }

        return hash;
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
