using Diskless.Cli.State;

namespace Diskless.Cli.Plugins;

/// <summary>The folders the host searches for plugins, most specific first.</summary>
public static class PluginSearchPath
{
    /// <summary>The colon-separated list of extra plugin folders (each a plugin folder or a folder of plugin folders).</summary>
    public const string PathVariable = "DISKLESS_PLUGIN_PATH";

    /// <summary>
    /// <c>$DISKLESS_PLUGIN_PATH</c> entries, then the user's <c>$DISKLESS_HOME/plugins</c>, then the <c>plugins</c>
    /// folder beside the program. The first plugin found with an id wins, so a user can replace a bundled plugin.
    /// </summary>
    public static IReadOnlyList<string> Resolve(Func<string, string?> environment, string programDirectory)
    {
        var folders = new List<string>();
        var extra = environment(PathVariable);
        if (!string.IsNullOrEmpty(extra))
        {
            folders.AddRange(extra.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        folders.Add(DataDirectory.Resolve(environment, Environment.IsPrivilegedProcess).PluginsDirectory);
        folders.Add(Path.Combine(programDirectory, "plugins"));
        return folders;
    }
}
