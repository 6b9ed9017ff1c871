namespace Diskless.Cli.Processes;

/// <summary>Finds programs the way a root shell would, so tools in /usr/sbin are found for ordinary users too.</summary>
public static class ExecutableFinder
{
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>
    /// The absolute path of <paramref name="name"/>: PATH first, then /usr/local/sbin, /usr/sbin and /sbin, then
    /// <paramref name="extraDirectories"/>. A name holding a slash is taken as a path. Null when nothing executable is found.
    /// </summary>
    public static string? Find(string name, params string[] extraDirectories) =>
        Find(name, Environment.GetEnvironmentVariable("PATH"), extraDirectories);

    /// <summary>As <see cref="Find(string, string[])"/> with an explicit PATH value.</summary>
    public static string? Find(string name, string? pathVariable, IEnumerable<string> extraDirectories)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(extraDirectories);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(name) ? Path.GetFullPath(name) : null;
        }

        var directories = (pathVariable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Concat(extraDirectories);
        return directories
            .Where(Path.IsPathRooted)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
