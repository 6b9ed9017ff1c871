using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>
/// Typed reads of one table. A key that is absent gives null; a key of the wrong type adds an issue at its value
/// (what was expected and what was found) and also gives null, so reading goes on and every problem is reported.
/// </summary>
internal sealed class TableReader(TomlTable table, List<SpecIssue> issues)
{
    public TomlTable Table => table;

    public void Error(string message, SourceLocation? location, string? hint = null) => issues.Add(new SpecIssue(message, location, hint));

    public void TypeError(TomlEntry entry, string expected) =>
        Error($"expected {expected} for '{entry.Key}'{entry.Parent.Context}, found {entry.Value.Describe()}", entry.Value.Location);

    public Located<string>? String(string key)
    {
        if (table.Get(key) is not { } entry)
        {
            return null;
        }

        if (entry.Value is TomlScalar { Value: string text })
        {
            return new Located<string>(text, entry.Value.Location);
        }

        TypeError(entry, "a string");
        return null;
    }

    public Located<long>? Integer(string key)
    {
        if (table.Get(key) is not { } entry)
        {
            return null;
        }

        if (entry.Value is TomlScalar { Value: long number })
        {
            return new Located<long>(number, entry.Value.Location);
        }

        TypeError(entry, "an integer");
        return null;
    }

    public Located<bool>? Boolean(string key)
    {
        if (table.Get(key) is not { } entry)
        {
            return null;
        }

        if (entry.Value is TomlScalar { Value: bool flag })
        {
            return new Located<bool>(flag, entry.Value.Location);
        }

        TypeError(entry, "a boolean (true or false)");
        return null;
    }

    /// <summary>An array of strings; an item of another type is reported at the item and left out.</summary>
    public Located<IReadOnlyList<string>>? StringArray(string key)
    {
        if (table.Get(key) is not { } entry)
        {
            return null;
        }

        if (entry.Value is not TomlArray array)
        {
            TypeError(entry, "an array of strings");
            return null;
        }

        var items = new List<string>();
        foreach (var item in array.Items)
        {
            if (item is TomlScalar { Value: string text })
            {
                items.Add(text);
            }
            else
            {
                Error($"expected a string in '{key}'{entry.Parent.Context}, found {item.Describe()}", item.Location);
            }
        }

        return new Located<IReadOnlyList<string>>(items, array.Location);
    }

    /// <summary>A string that must be one of <paramref name="choices"/>.</summary>
    public Located<string>? Choice(string key, params string[] choices)
    {
        if (String(key) is not { } value)
        {
            return null;
        }

        if (choices.Contains(value.Value, StringComparer.Ordinal))
        {
            return value;
        }

        Error(
            $"'{value.Value}' is not a valid '{key}'{table.Get(key)!.Parent.Context}; expected one of: {string.Join(", ", choices)}",
            value.Location,
            Suggestions.DidYouMean(value.Value, choices));
        return null;
    }

    public TomlTable? SubTable(string key, string example)
    {
        if (table.Get(key) is not { } entry)
        {
            return null;
        }

        if (entry.Value is TomlTable { IsArrayElement: false } sub)
        {
            return sub;
        }

        TypeError(entry, $"a table such as {example}");
        return null;
    }

    /// <summary>An array of tables (<c>[[ports]]</c> headers or an array of inline tables); null when absent or wrong.</summary>
    public IReadOnlyList<TomlTable>? Tables(string key)
    {
        if (table.Get(key) is not { } entry)
        {
            return null;
        }

        if (entry.Value is TomlArray array && array.Items.All(i => i is TomlTable))
        {
            return [.. array.Items.Cast<TomlTable>()];
        }

        TypeError(entry, $"an array of tables such as [[{key}]]");
        return null;
    }

    /// <summary>Reports every key not in <paramref name="known"/>, suggesting the closest known key.</summary>
    public void RejectUnknown(IReadOnlyCollection<string> known, Func<TomlEntry, string?>? hintFor = null)
    {
        foreach (var entry in table.Entries.Where(e => !known.Contains(e.Key)))
        {
            ReportUnknown(entry, hintFor?.Invoke(entry) ?? Suggestions.DidYouMean(entry.Key, known));
        }
    }

    public void ReportUnknown(TomlEntry entry, string? hint) =>
        Error($"unknown key '{entry.Key}'{entry.Parent.Context}", entry.KeyLocation, hint);

    /// <summary>A string that must not be empty: an empty one is reported (with <paramref name="hint"/>) and treated as absent.</summary>
    public Located<string>? NonEmptyString(string key, string? hint = "remove the key to use the default")
    {
        var value = String(key);
        if (value is { Value.Length: 0 } empty)
        {
            Error($"'{key}'{table.Get(key)!.Parent.Context} is empty", empty.Location, hint);
            return null;
        }

        return value;
    }
}
