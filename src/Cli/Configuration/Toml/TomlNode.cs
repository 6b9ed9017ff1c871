using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>A TOML value with where it is written; the parser's own tree, simpler than Tomlyn's syntax tree.</summary>
internal abstract class TomlNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    /// <summary>How an error message names what was found, e.g. <c>a string "two"</c>.</summary>
    public abstract string Describe();
}

/// <summary>A string, long, double, bool or date-time.</summary>
internal sealed class TomlScalar(object value, SourceLocation location) : TomlNode(location)
{
    public object Value { get; } = value;

    public override string Describe() => Value switch
    {
        string s => $"a string \"{s}\"",
        long l => $"an integer {l.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        double d => $"a float {d.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        bool b => b ? "a boolean true" : "a boolean false",
        _ => $"a date-time {Value}",
    };
}

/// <summary>An array, including an array of tables (<c>[[ports]]</c>).</summary>
internal sealed class TomlArray(SourceLocation location) : TomlNode(location)
{
    public List<TomlNode> Items { get; } = [];

    public override string Describe() => Items.Count > 0 && Items.All(i => i is TomlTable) ? "an array of tables" : "an array";
}

/// <summary>One key of a table: the key's own location and the table it is written in (for messages).</summary>
internal sealed record TomlEntry(string Key, SourceLocation KeyLocation, TomlNode Value, TomlTable Parent);

/// <summary>A table: a <c>[header]</c>, an element of <c>[[header]]</c>, an inline table, or one made implicitly by a dotted key.</summary>
internal sealed class TomlTable(string path, bool isArrayElement, SourceLocation location, string? context = null) : TomlNode(location)
{
    private readonly List<TomlEntry> _entries = [];

    /// <summary>The dotted path from the document root ("distro", "machines.web"); empty for the root.</summary>
    public string Path { get; } = path;

    public bool IsArrayElement { get; } = isArrayElement;

    public IReadOnlyList<TomlEntry> Entries => _entries;

    /// <summary>How messages name this table: nothing for the root, else <c> in [distro]</c> or <c> in [[ports]]</c>.</summary>
    public string Context => context ?? (Path.Length == 0 ? "" : IsArrayElement ? $" in [[{Path}]]" : $" in [{Path}]");

    /// <summary>Whether messages name this table through an array element, as [[provision]] has no header of its own for <c>file</c>.</summary>
    public bool InsideArrayElement => IsArrayElement || context is not null;

    public TomlEntry? Get(string key) => _entries.Find(e => e.Key == key);

    public void Set(string key, SourceLocation keyLocation, TomlNode value)
    {
        _entries.RemoveAll(e => e.Key == key);
        _entries.Add(new TomlEntry(key, keyLocation, value, this));
    }

    /// <summary>Adds an entry as it is, keeping the table it was written in (used when merging defaults into a machine).</summary>
    public void Add(TomlEntry entry)
    {
        _entries.RemoveAll(e => e.Key == entry.Key);
        _entries.Add(entry);
    }

    public override string Describe() => "a table";
}
