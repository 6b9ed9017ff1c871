using Diskless.Cli.Plugins;

namespace Diskless.Cli.Configuration;

/// <summary>What every command that needs the project does first: find the Disklessfile, parse it, validate it.</summary>
public static class ProjectLoader
{
    /// <summary>
    /// Finds (<see cref="DisklessfileLocator.Resolve"/>), parses and validates the project. Throws
    /// <see cref="Abstractions.DisklessException"/> when there is no Disklessfile, and <see cref="ConfigurationException"/>
    /// with every problem when it is invalid. Locations name the file relative to <paramref name="currentDirectory"/>
    /// when it is inside it, else by its absolute path. Warnings go to <paramref name="warnings"/>, standard error when null.
    /// </summary>
    public static async Task<ProjectSpec> LoadAsync(
        string? fileOption, string currentDirectory, IPluginCatalog catalog, CancellationToken cancellationToken, UserConfiguration? user = null, TextWriter? warnings = null)
    {
        user ??= UserConfiguration.ForUser();
        var project = await ReadAsync(fileOption, currentDirectory, cancellationToken, user).ConfigureAwait(false);
        var issues = await ProjectValidator.ValidateAsync(project, catalog, cancellationToken).ConfigureAwait(false);
        ConfigurationException.ThrowIfAny(issues);
        foreach (var warning in issues.Where(i => i.IsWarning))
        {
            // stderr, like progress: --json output on stdout stays clean.
            await (warnings ?? Console.Error).WriteLineAsync(warning.ToString()).ConfigureAwait(false);
        }

        // What the user's own configuration reaches is theirs to decide: only the Disklessfile's reach asks for trust.
        return project with { Requests = [.. issues.Where(i => i.IsRequest && !user.Wrote(i))] };
    }

    /// <summary>
    /// Finds and parses the Disklessfile without asking the plugins: for commands that only read machines' state
    /// (status, halt, ssh), which must not pay for loading plugins. The user's configuration (<paramref name="user"/>,
    /// by default theirs) completes each machine's provider settings.
    /// </summary>
    public static Task<ProjectSpec> ReadAsync(string? fileOption, string currentDirectory, CancellationToken cancellationToken, UserConfiguration? user = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = DisklessfileLocator.Resolve(fileOption, currentDirectory);
        // Read synchronously: the file is small, and an asynchronous read starts the thread pool, which costs every
        // command that reads the project several milliseconds of start-up (bench/startup.sh).
        var text = File.ReadAllText(path);
        return Task.FromResult((user ?? UserConfiguration.ForUser()).Apply(DisklessfileParser.Parse(text, path, DisplayPath(path, currentDirectory))));
    }

    /// <summary>How messages name <paramref name="path"/>: relative when it is under <paramref name="currentDirectory"/>.</summary>
    public static string DisplayPath(string path, string currentDirectory)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(currentDirectory), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
