using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>Where root filesystems and the base cache live: never in the project, which is usually a synced folder.</summary>
public static class DataDirectory
{
    private const UnixFileMode FolderMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The data dir of this process: its environment, and root or not.</summary>
    public static HostPaths Resolve() => Resolve(Environment.GetEnvironmentVariable, Environment.IsPrivilegedProcess);

    /// <summary>
    /// <c>$DISKLESS_HOME</c>; else <c>/var/lib/diskless</c> for root; else <c>$XDG_DATA_HOME/diskless</c>; else
    /// <c>~/.local/share/diskless</c>. Touches nothing on disk.
    /// </summary>
    public static HostPaths Resolve(Func<string, string?> environment, bool isRoot)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (NonEmpty(environment("DISKLESS_HOME")) is { } explicitHome)
        {
            return new HostPaths(Path.GetFullPath(explicitHome));
        }

        if (isRoot)
        {
            return new HostPaths("/var/lib/diskless");
        }

        if (NonEmpty(environment("XDG_DATA_HOME")) is { } dataHome && Path.IsPathRooted(dataHome))
        {
            return new HostPaths(Path.Combine(dataHome, "diskless"));
        }

        var home = NonEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new HostPaths(Path.Combine(home, ".local", "share", "diskless"));
    }

    /// <summary>Creates the data dir and its bases, machines and tmp folders (0755) when missing.</summary>
    public static void EnsureCreated(HostPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var folder in new[] { paths.DataDirectory, paths.BasesDirectory, paths.MachinesDirectory, paths.TempDirectory })
        {
            // Root folders served to guests must be reachable by virtiofsd and qemu: 0755 along the way.
            Directory.CreateDirectory(folder, FolderMode);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
