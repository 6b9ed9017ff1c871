using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Encodings.Web;
using Diskless.Abstractions;
using Fluid;

namespace Diskless.Cli.Templates;

/// <summary>
/// <see cref="ITemplates"/> over Fluid. Templates are embedded resources named <c>*.Templates.&lt;name&gt;</c>
/// in their owner's assembly; view models are registered (with the records they contain) on first use and
/// read in snake_case. Undefined variables and unknown filters are errors. Templates ending in
/// <c>.xml.liquid</c> are rendered with XML encoding of every value.
/// </summary>
public sealed class FluidTemplates : ITemplates
{
    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<(Assembly, string), IFluidTemplate> _parsed = new();
    private readonly TemplateOptions _options = new() { StrictVariables = true, StrictFilters = true };
    private readonly ConcurrentDictionary<Type, bool> _registered = new();

    /// <summary>Creates the renderer.</summary>
    public FluidTemplates()
    {
        _options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.RenameSnakeCase;
    }

    /// <inheritdoc />
    public string Render<TModel>(Assembly owner, string templateName, TModel model)
        where TModel : notnull
    {
        ArgumentNullException.ThrowIfNull(owner);
        Register(typeof(TModel));
        var template = _parsed.GetOrAdd((owner, templateName), key => Parse(key.Item1, key.Item2));
        var context = new TemplateContext(model, _options);
        TextEncoder encoder = templateName.EndsWith(".xml.liquid", StringComparison.Ordinal) ? HtmlEncoder.Default : NullEncoder.Default;
        try
        {
            return template.Render(context, encoder);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Template {templateName} of {owner.GetName().Name}: {e.Message}", e);
        }
    }

    private static IFluidTemplate Parse(Assembly owner, string templateName)
    {
        var resource = owner.GetManifestResourceNames()
            .SingleOrDefault(n => n.EndsWith(".Templates." + templateName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{owner.GetName().Name} embeds no template {templateName} (expected Templates/{templateName} as an EmbeddedResource)");
        using var stream = owner.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        if (!Parser.TryParse(source, out var template, out var error))
        {
            throw new InvalidOperationException($"Template {templateName} of {owner.GetName().Name} does not parse: {error}");
        }

        return template;
    }

    private void Register(Type type)
    {
        if (type.IsPrimitive || type == typeof(string) || type.IsEnum || !_registered.TryAdd(type, true))
        {
            return;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            foreach (var argument in type.IsArray ? [type.GetElementType()!] : type.GetGenericArguments())
            {
                Register(argument);
            }

            return;
        }

        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            return;
        }

        _options.MemberAccessStrategy.Register(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Register(property.PropertyType);
        }
    }
}
