using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>
/// The keys of [distro] and [provider] that the host does not know belong to the plugin (it validates them), except
/// a key one or two edits from a host key: that is almost always a typo, and is reported with a suggestion.
/// </summary>
internal static class PluginSectionReader
{
    public static Dictionary<string, SpecValue> Settings(TableReader reader, IReadOnlyCollection<string> hostKeys)
    {
        var settings = new Dictionary<string, SpecValue>(StringComparer.Ordinal);
        foreach (var entry in reader.Table.Entries.Where(e => !hostKeys.Contains(e.Key)))
        {
            if (Suggestions.DidYouMean(entry.Key, hostKeys) is { } hint)
            {
                reader.ReportUnknown(entry, hint);
            }
            else
            {
                settings[entry.Key] = SpecValues.From(entry.Value);
            }
        }

        return settings;
    }

    /// <summary>Where a plugin is named: its <c>name</c> value when written, else its table, else nowhere.</summary>
    public static SourceLocation? NameLocation(TomlTable? table, Located<string>? name) => name?.Location ?? table?.Location;
}
