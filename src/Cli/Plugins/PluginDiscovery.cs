namespace Diskless.Cli.Plugins;

/// <summary>Finds plugin folders by their manifests; reads only small JSON files, loads no assembly.</summary>
internal static class PluginDiscovery
{
    /// <summary>
    /// Every plugin folder under <paramref name="searchFolders"/>, in search order. An entry of the search path is
    /// either a plugin folder itself (it holds plugin.json) or a folder of plugin folders; missing ones are skipped.
    /// </summary>
    public static IReadOnlyList<PluginEntry> Discover(IEnumerable<string> searchFolders)
    {
        var entries = new List<PluginEntry>();
        var seenFolders = new HashSet<string>(StringComparer.Ordinal);
        var firstFolderById = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in searchFolders.SelectMany(PluginFolders))
        {
            if (!seenFolders.Add(folder))
            {
                continue;
            }

            var entry = ReadEntry(folder);
            if (entry.Manifest is not null)
            {
                if (firstFolderById.TryGetValue(entry.Name, out var first))
                {
                    entry = entry with { Manifest = null, Problem = $"not used: the plugin \"{entry.Name}\" in {first} comes first on the search path" };
                }
                else
                {
                    firstFolderById[entry.Name] = folder;
                }
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static IEnumerable<string> PluginFolders(string searchFolder)
    {
        var full = Path.GetFullPath(searchFolder);
        if (!Directory.Exists(full))
        {
            return [];
        }

        if (File.Exists(Path.Combine(full, PluginManifest.FileName)))
        {
            return [full];
        }

        return Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal);
    }

    private static PluginEntry ReadEntry(string folder)
    {
        var folderName = Path.GetFileName(folder);
        if (!File.Exists(Path.Combine(folder, PluginManifest.FileName)))
        {
            return new PluginEntry(folderName, folder, null, $"no {PluginManifest.FileName} in the folder");
        }

        try
        {
            var manifest = PluginManifest.Read(folder);
            return new PluginEntry(manifest.Id, folder, manifest, null);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return new PluginEntry(folderName, folder, null, e.Message);
        }
    }
}
