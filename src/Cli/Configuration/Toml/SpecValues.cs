using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Plugin settings as <see cref="SpecValue"/>: plain .NET values with the place each is written.</summary>
internal static class SpecValues
{
    public static SpecValue From(TomlNode node) => new(Plain(node), node.Location);

    private static object Plain(TomlNode node) => node switch
    {
        TomlScalar { Value: TomlDateText date } => date.Text,
        TomlScalar scalar => scalar.Value,
        TomlArray array => array.Items.Select(i => i is TomlTable t ? Table(t) : Plain(i)).ToList(),
        TomlTable table => Table(table),
        _ => throw new InvalidOperationException($"Unexpected TOML node {node.GetType().Name}"),
    };

    private static IReadOnlyDictionary<string, SpecValue> Table(TomlTable table) =>
        table.Entries.ToDictionary(e => e.Key, e => From(e.Value), StringComparer.Ordinal);
}
