using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Diskless.Abstractions;
using Scriban;
using Scriban.Syntax;

namespace Diskless.Cli.Templates;

/// <summary>
/// <see cref="ITemplates"/> over Scriban. Templates are Liquid files embedded as <c>*.Templates.&lt;name&gt;</c> in
/// their owner's assembly, parsed once by Scriban's Liquid front end. Rendering is strict: a variable or member the
/// model does not have, like a parse error, fails with a <see cref="TemplateException"/> naming the template, the
/// line and the column. Templates ending in <c>.xml.liquid</c> get every value XML-escaped.
/// </summary>
/// <remarks>
/// A parsed <see cref="Template"/> is immutable and each render has its own context, so renders run concurrently.
/// </remarks>
public sealed class ScribanTemplates : ITemplates
{
    private readonly ConcurrentDictionary<(Assembly Owner, string Name), Lazy<Template>> _parsed = new();

    /// <inheritdoc />
    public string Render<TModel>(Assembly owner, string templateName, TModel model)
        where TModel : notnull
    {
        ArgumentNullException.ThrowIfNull(owner);
        var template = _parsed.GetOrAdd((owner, templateName), key => new Lazy<Template>(() => EmbeddedTemplates.Parse(key.Owner, key.Name))).Value;
        var context = new LiquidTemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            EnableRelaxedTargetAccess = false,
            EnableRelaxedIndexerAccess = false,
            // Our own templates over finite models: no caps that a long list or a large file would trip.
            LoopLimit = 0,
            LimitToString = 0,
        };
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(TemplateModel.From(model, xml: templateName.EndsWith(".xml.liquid", StringComparison.Ordinal)));
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateException(owner, templateName, e.Span.Start.Line + 1, e.Span.Start.Column + 1, e.OriginalMessage, e);
        }
    }
}
