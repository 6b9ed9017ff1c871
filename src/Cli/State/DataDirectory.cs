using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>Where root filesystems and the base cache live: never in the project, which is usually a synced folder.</summary>
public static class DataDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Readable = OwnerOnly |
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

    /// <summary>
    /// Creates the data dir (0755) and its bases, machines, tmp and projects folders when missing, and closes those to
    /// other host users (0700), also where an older diskless left them open: a guest can create setuid files and
    /// device nodes in its tree, a base is the tree every new machine starts from, and projects/ holds the state the
    /// host trusts.
    /// </summary>
    public static void EnsureCreated(HostPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Directory.CreateDirectory(paths.DataDirectory, Readable);
        foreach (var folder in new[] { paths.BasesDirectory, paths.MachinesDirectory, paths.TempDirectory, paths.ProjectsDirectory })
        {
            var created = Directory.CreateDirectory(folder, OwnerOnly);
            if ((created.UnixFileMode & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(folder, OwnerOnly);
            }
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
