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
    /// Where this user's list of the data dirs they used is kept (<see cref="DataDirectoryRegistry"/>), outside every
    /// data dir since <c>$DISKLESS_HOME</c> picks one per command: <c>$XDG_STATE_HOME/diskless/data-dirs.json</c>; else
    /// <c>/var/lib/diskless/data-dirs.json</c> for root; else <c>~/.local/state/diskless/data-dirs.json</c>. Null when no
    /// home is known. Touches nothing on disk.
    /// </summary>
    public static string? RegistryFile(Func<string, string?> environment, bool isRoot)
    {
        ArgumentNullException.ThrowIfNull(environment);
        const string name = "data-dirs.json";
        if (NonEmpty(environment("XDG_STATE_HOME")) is { } stateHome && Path.IsPathRooted(stateHome))
        {
            return Path.Combine(stateHome, "diskless", name);
        }

        if (isRoot)
        {
            return Path.Combine("/var/lib/diskless", name);
        }

        return NonEmpty(environment("HOME")) is { } home && Path.IsPathRooted(home)
            ? Path.Combine(home, ".local", "state", "diskless", name)
            : null;
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
