namespace Diskless.Cli.Plugins;

/// <summary>
/// Finds the data dir: <c>$DISKLESS_HOME</c>, else <c>/var/lib/diskless</c> for root, else
/// <c>$XDG_DATA_HOME/diskless</c> (<c>~/.local/share/diskless</c>).
/// </summary>
/// <remarks>
/// The plugin host needs only this one path; when the State folder grows its own resolver, this one should defer to it.
/// </remarks>
internal static class DisklessHome
{
    public static string Resolve(Func<string, string?> environment, bool isRoot)
    {
        var explicitHome = environment("DISKLESS_HOME");
        if (!string.IsNullOrEmpty(explicitHome))
        {
            return Path.GetFullPath(explicitHome);
        }

        if (isRoot)
        {
            return "/var/lib/diskless";
        }

        var dataHome = environment("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            dataHome = Path.Combine(home, ".local", "share");
        }

        return Path.Combine(dataHome, "diskless");
    }
}
