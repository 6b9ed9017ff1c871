namespace Diskless.Cli.Configuration.Toml;

/// <summary>
/// A machine's table over the top-level defaults: tables merge key by key, anything else (arrays included) from
/// the machine replaces the default. Entries keep the table they were written in, so messages name the right place.
/// </summary>
internal static class TableMerger
{
    public static TomlTable Merge(TomlTable defaults, TomlTable machine, IReadOnlySet<string> skipDefaults)
    {
        var result = new TomlTable(machine.Path, machine.IsArrayElement, machine.Location);
        foreach (var entry in defaults.Entries.Where(e => !skipDefaults.Contains(e.Key)))
        {
            result.Add(entry);
        }

        foreach (var entry in machine.Entries)
        {
            if (result.Get(entry.Key)?.Value is TomlTable { IsArrayElement: false } inherited
                && entry.Value is TomlTable { IsArrayElement: false } own)
            {
                result.Add(entry with { Value = Merge(inherited, own, new HashSet<string>()) });
            }
            else
            {
                result.Add(entry);
            }
        }

        return result;
    }
}
