using System.Reflection;

namespace Diskless.Abstractions;

/// <summary>
/// Renders Liquid templates that a plugin embeds in its own assembly (<c>Templates/*.liquid</c>).
/// Variables are strict: a name the model does not have is an error, never an empty string. That error, like a
/// syntax error in the template, names the assembly, the template, the line and the column.
/// Templates ending in <c>.xml.liquid</c> get every value XML-escaped. Renders may run concurrently.
/// </summary>
public interface ITemplates
{
    /// <summary>
    /// Renders the embedded template <paramref name="templateName"/> (e.g. <c>"fstab.liquid"</c>) of
    /// <paramref name="owner"/> with <paramref name="model"/>, a view-model record whose properties the
    /// template reads in snake_case (<c>RootTag</c> is <c>root_tag</c>).
    /// </summary>
    string Render<TModel>(Assembly owner, string templateName, TModel model)
        where TModel : notnull;
}
