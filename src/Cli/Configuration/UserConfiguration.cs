using Diskless.Abstractions;
using Diskless.Cli.Configuration.Toml;
using Diskless.Cli.Trust;

namespace Diskless.Cli.Configuration;

/// <summary>
/// The user's own settings for every project: <c>$XDG_CONFIG_HOME/diskless/config.toml</c> (by default
/// <c>~/.config/diskless/config.toml</c>). Its <c>[provider.NAME]</c> tables give that provider's settings (a QEMU
/// binary, extra arguments) to every machine that does not set them itself. It is the user's file, so what it reaches
/// past a project needs no trust; a Disklessfile's own settings still do.
/// </summary>
/// <param name="Path">The file's path.</param>
/// <param name="Providers">The settings of each provider, by its name, each value with where it is written.</param>
public sealed record UserConfiguration(string Path, IReadOnlyDictionary<string, IReadOnlyDictionary<string, SpecValue>> Providers)
{
    /// <summary>The configuration of the user running Diskless; empty when the file does not exist.</summary>
    public static UserConfiguration ForUser() =>
        Read(System.IO.Path.Combine(TrustStore.UserConfigDirectory(Environment.GetEnvironmentVariable), "config.toml"));

    /// <summary>Reads <paramref name="path"/>; empty when it does not exist. A malformed file is a <see cref="ConfigurationException"/> at its line.</summary>
    public static UserConfiguration Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return new UserConfiguration(path, new Dictionary<string, IReadOnlyDictionary<string, SpecValue>>());
        }

        var root = DisklessfileParser.ReadToml(File.ReadAllText(path), path);
        var issues = new List<SpecIssue>();
        var reader = new TableReader(root, issues);
        reader.RejectUnknown(["provider"]);
        var providers = new Dictionary<string, IReadOnlyDictionary<string, SpecValue>>(StringComparer.Ordinal);
        if (reader.SubTable("provider", "[provider.qemu]") is { } section)
        {
            foreach (var entry in section.Entries)
            {
                if (entry.Value is TomlTable table)
                {
                    providers[entry.Key] = PluginSectionReader.Settings(new TableReader(table, issues), []);
                }
                else
                {
                    issues.Add(new SpecIssue($"'{entry.Key}' in [provider] must be a table of that provider's settings", entry.KeyLocation, $"write [provider.{entry.Key}] and its settings below it"));
                }
            }
        }

        ConfigurationException.ThrowIfAny(issues);
        return new UserConfiguration(path, providers);
    }

    /// <summary><paramref name="project"/> with each machine's provider settings completed from this file; the Disklessfile's own win.</summary>
    public ProjectSpec Apply(ProjectSpec project)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (Providers.Count == 0)
        {
            return project;
        }

        return project with
        {
            Machines = [.. project.Machines.Select(m => Providers.TryGetValue(m.Provider.Name, out var mine)
                ? m with { Provider = m.Provider with { Settings = Merge(mine, m.Provider.Settings) } }
                : m)],
        };
    }

    /// <summary>Whether <paramref name="issue"/> is about this file: a request here is the user's own, granted by writing it.</summary>
    public bool Wrote(SpecIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return issue.Location?.File == Path;
    }

    private static Dictionary<string, SpecValue> Merge(IReadOnlyDictionary<string, SpecValue> user, IReadOnlyDictionary<string, SpecValue> project)
    {
        var merged = new Dictionary<string, SpecValue>(user, StringComparer.Ordinal);
        foreach (var (key, value) in project)
        {
            merged[key] = value;
        }

        return merged;
    }
}
