using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>What every section reader needs: where the project is, and where to put the problems it finds.</summary>
internal sealed record ReadContext(string ProjectDirectory, string DisklessfilePath, List<SpecIssue> Issues)
{
    public TableReader Reader(TomlTable table) => new(table, Issues);

    /// <summary>A host path from the Disklessfile made absolute: relative to the project folder, <c>~/</c> to the home folder.</summary>
    public string HostPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            path = Path.Join(home, path[1..]);
        }

        return Path.GetFullPath(Path.Combine(ProjectDirectory, path));
    }
}
