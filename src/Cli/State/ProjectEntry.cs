using System.Text.Json;

namespace Diskless.Cli.State;

/// <summary>
/// <c>projects/&lt;key&gt;/project.json</c>: which project folder a state folder belongs to. The key alone cannot say
/// (it is a hash); this lets <c>adopt</c> find a moved project's machines and a listing name every project.
/// </summary>
/// <param name="Path">The project folder's real path when the state folder was made (or adopted).</param>
/// <param name="CreatedAt">When the state folder was made.</param>
public sealed record ProjectEntry(string Path, DateTimeOffset CreatedAt)
{
    /// <summary>The file name inside a project's state folder.</summary>
    public const string FileName = "project.json";

    /// <summary>Writes the entry of <paramref name="realProjectDirectory"/> into <paramref name="stateDirectory"/> unless it already says so.</summary>
    public static void EnsureWritten(string stateDirectory, string realProjectDirectory)
    {
        var file = System.IO.Path.Combine(stateDirectory, FileName);
        if (Read(stateDirectory) is { } entry && entry.Path == realProjectDirectory)
        {
            return;
        }

        AtomicFile.WriteAllTextAsync(
                file,
                JsonSerializer.Serialize(new ProjectEntry(realProjectDirectory, DateTimeOffset.UtcNow), JsonState.Options) + "\n",
                CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    /// <summary>The entry in <paramref name="stateDirectory"/>; null when it has none or it cannot be read.</summary>
    public static ProjectEntry? Read(string stateDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize<ProjectEntry>(File.ReadAllText(System.IO.Path.Combine(stateDirectory, FileName)), JsonState.Options);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every project the data dir's <c>projects/</c> folder holds state for, with its state folder.</summary>
    public static IReadOnlyList<(string StateDirectory, ProjectEntry Entry)> All(string projectsDirectory)
    {
        if (!Directory.Exists(projectsDirectory))
        {
            return [];
        }

        return Directory.EnumerateDirectories(projectsDirectory)
            .Select(folder => (folder, entry: Read(folder)))
            .Where(p => p.entry is not null)
            .Select(p => (p.folder, p.entry!))
            .ToList();
    }
}
