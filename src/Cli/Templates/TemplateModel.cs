using System.Collections;
using System.Reflection;
using System.Security;
using System.Text;
using Scriban.Runtime;

namespace Diskless.Cli.Templates;

/// <summary>
/// A view model as the tree of script objects a template reads: properties in snake_case (<c>RootTag</c> is
/// <c>root_tag</c>), enums as their names, lists as arrays, and in XML templates every string escaped.
/// </summary>
internal static class TemplateModel
{
    public static ScriptObject From(object model, bool xml) =>
        Convert(model, xml) as ScriptObject
        ?? throw new ArgumentException($"a template model must be a record, not {model.GetType().Name}", nameof(model));

    private static object? Convert(object? value, bool xml) => value switch
    {
        null => null,
        string s => xml ? SecurityElement.Escape(s) : s,
        bool or int or long or double or decimal => value,
        Enum e => e.ToString(),
        IDictionary dictionary => Members(dictionary.Keys.Cast<object>().Select(k => (k.ToString()!, dictionary[k])), xml),
        IEnumerable items => new ScriptArray(items.Cast<object?>().Select(i => Convert(i, xml))),
        _ when value.GetType().IsPrimitive => value,
        _ => Members(
            value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                .Select(p => (SnakeCase(p.Name), p.GetValue(value))),
            xml),
    };

    private static ScriptObject Members(IEnumerable<(string Name, object? Value)> members, bool xml)
    {
        var result = new ScriptObject();
        foreach (var (name, member) in members)
        {
            result.Add(name, Convert(member, xml));
        }

        return result;
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
