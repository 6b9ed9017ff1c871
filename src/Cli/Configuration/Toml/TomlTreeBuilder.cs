using Diskless.Abstractions;
using Tomlyn.Syntax;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>
/// Turns Tomlyn's syntax tree (already checked for syntax and redefinitions) into a <see cref="TomlTable"/> tree
/// that keeps, for every key and value, the 1-based line and column it is written at.
/// </summary>
internal sealed class TomlTreeBuilder(string file)
{
    public TomlTable Build(DocumentSyntax document)
    {
        var root = new TomlTable("", false, new SourceLocation(file, 1, 1));
        foreach (var keyValue in document.KeyValues)
        {
            AddKeyValue(root, keyValue);
        }

        foreach (var header in document.Tables)
        {
            if (header.Name is null)
            {
                continue;
            }

            var parts = KeyParts(header.Name);
            var parent = Navigate(root, parts, parts.Length - 1);
            var (name, nameLocation) = parts[^1];
            var path = Join(parent.Path, name);
            var headerLocation = At(header.OpenBracket?.Span ?? header.Span);
            TomlTable table;
            if (header is TableArraySyntax)
            {
                if (parent.Get(name)?.Value is not TomlArray array)
                {
                    array = new TomlArray(headerLocation);
                    parent.Set(name, nameLocation, array);
                }

                table = new TomlTable(path, true, headerLocation);
                array.Items.Add(table);
            }
            else
            {
                // A table made implicitly by an earlier [a.b] header or dotted key gets its own header's place now.
                var implicitTable = parent.Get(name)?.Value as TomlTable;
                table = new TomlTable(path, false, headerLocation);
                foreach (var entry in implicitTable?.Entries ?? [])
                {
                    table.Add(entry);
                }

                parent.Set(name, nameLocation, table);
            }

            foreach (var keyValue in header.Items)
            {
                AddKeyValue(table, keyValue);
            }
        }

        return root;
    }

    private void AddKeyValue(TomlTable table, KeyValueSyntax keyValue)
    {
        if (keyValue.Key is null || keyValue.Value is null)
        {
            return;
        }

        var parts = KeyParts(keyValue.Key);
        var target = Navigate(table, parts, parts.Length - 1);
        var (name, location) = parts[^1];
        // An inline table in an array element has no header to name it by: "in 'file' in [[provision]]".
        var context = target.InsideArrayElement ? $" in '{name}'{target.Context}" : null;
        target.Set(name, location, Convert(keyValue.Value, Join(target.Path, name), isArrayElement: false, context));
    }

    private TomlNode Convert(ValueSyntax value, string path, bool isArrayElement, string? context = null)
    {
        var location = At(value.Span);
        switch (value)
        {
            case ArraySyntax array:
                var result = new TomlArray(location);
                foreach (var item in array.Items)
                {
                    if (item.Value is not null)
                    {
                        result.Items.Add(Convert(item.Value, path, isArrayElement: true));
                    }
                }

                return result;
            case InlineTableSyntax inline:
                var table = new TomlTable(path, isArrayElement, location, context);
                foreach (var item in inline.Items)
                {
                    if (item.KeyValue is not null)
                    {
                        AddKeyValue(table, item.KeyValue);
                    }
                }

                return table;
            case StringValueSyntax s:
                return new TomlScalar(s.Value ?? "", location);
            case IntegerValueSyntax i:
                return new TomlScalar(i.Value, location);
            case FloatValueSyntax f:
                return new TomlScalar(f.Value, location);
            case BooleanValueSyntax b:
                return new TomlScalar(b.Value, location);
            case DateTimeValueSyntax date:
                return new TomlScalar(new TomlDateText(date.ToString()?.Trim() ?? ""), location);
            default:
                return new TomlScalar(value.ToString()?.Trim() ?? "", location);
        }
    }

    /// <summary>Follows (or creates, as TOML does implicitly) the tables named by the first <paramref name="count"/> <paramref name="parts"/>.</summary>
    // The array and a count, not a span or a slice: generic code over this tuple is not precompiled (the runtime would
    // compile it at start), and every command parses a file.
    private static TomlTable Navigate(TomlTable table, (string Name, SourceLocation Location)[] parts, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (name, location) = parts[i];
            switch (table.Get(name)?.Value)
            {
                case TomlTable existing:
                    table = existing;
                    break;
                case TomlArray { Items: [.., TomlTable last] }:
                    // [[a]] then [a.b]: the header continues the last element of the array of tables.
                    table = last;
                    break;
                default:
                    var created = new TomlTable(Join(table.Path, name), false, location);
                    table.Set(name, location, created);
                    table = created;
                    break;
            }
        }

        return table;
    }

    private (string Name, SourceLocation Location)[] KeyParts(KeySyntax key)
    {
        var parts = new List<(string, SourceLocation)>();
        if (key.Key is not null)
        {
            parts.Add(Part(key.Key));
        }

        foreach (var dotted in key.DotKeys)
        {
            if (dotted.Key is not null)
            {
                parts.Add(Part(dotted.Key));
            }
        }

        return [.. parts];
    }

    private (string, SourceLocation) Part(BareKeyOrStringValueSyntax part) => part switch
    {
        BareKeySyntax bare => (bare.Key?.Text ?? "", At(bare.Span)),
        StringValueSyntax quoted => (quoted.Value ?? "", At(quoted.Span)),
        _ => (part.ToString()?.Trim() ?? "", At(part.Span)),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    // Tomlyn counts lines and columns from 0; editors and SourceLocation count from 1.
    private SourceLocation At(SourceSpan span) => new(file, span.Start.Line + 1, span.Start.Column + 1);
}

/// <summary>A TOML date or time, kept as written: no Disklessfile key takes one, so it only appears in messages and settings.</summary>
internal sealed record TomlDateText(string Text)
{
    public override string ToString() => Text;
}
