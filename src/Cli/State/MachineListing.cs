using System.Text.Json;

namespace Diskless.Cli.State;

/// <summary>One machine found in a data dir's <c>projects/</c> folder, as its state files say.</summary>
/// <param name="DataDirectory">The data dir.</param>
/// <param name="StateDirectory">The project's state folder, <c>projects/&lt;key&gt;</c>.</param>
/// <param name="ProjectDirectory">The project folder its <c>project.json</c> names.</param>
/// <param name="Name">The machine's name (its folder's).</param>
/// <param name="Record">Its record as read, unchecked (see <see cref="RecordCheck"/>); null with <paramref name="Problem"/>.</param>
/// <param name="Problem">Why the record cannot be read; null when it was.</param>
public sealed record ListedMachine(string DataDirectory, string StateDirectory, string ProjectDirectory, string Name, MachineRecord? Record, string? Problem)
{
    /// <summary>
    /// True when the project folder is gone, or no longer leads to this state (its real path names another): no
    /// command run in a project reaches the machine any more.
    /// </summary>
    public bool IsOrphan =>
        !Directory.Exists(ProjectDirectory)
        || ProjectState.KeyOf(Processes.RealPath.Resolve(Path.TrimEndingDirectorySeparator(ProjectDirectory))) != Path.GetFileName(StateDirectory);
}

/// <summary>
/// Every machine of a data dir, read from its state files alone (no Disklessfile, no plugin): <c>projects/*/project.json</c>
/// and <c>projects/*/machines/*/machine.json</c>. Each folder is reached without following a link and must be the user's,
/// each file must be a regular file of the user's and of a sane size; what fails that is reported, not followed.
/// </summary>
public static class MachineListing
{
    private const int MaxRecordBytes = 1024 * 1024;

    /// <summary>
    /// The machines in <paramref name="dataDirectory"/> whose files belong to <paramref name="owner"/>, by project then
    /// name; <paramref name="warn"/> hears of each project folder that cannot be read.
    /// </summary>
    public static IReadOnlyList<ListedMachine> Read(string dataDirectory, long owner, Action<string> warn)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(warn);
        var machines = new List<ListedMachine>();
        IReadOnlyList<string> keys;
        try
        {
            using var projects = BeneathFolder.Open(dataDirectory, ["projects"], owner);
            keys = projects is null ? [] : [.. projects.Names().Order(StringComparer.Ordinal)];
        }
        catch (IOException e)
        {
            warn($"{Path.Combine(dataDirectory, "projects")} cannot be listed: {e.Message}");
            return [];
        }

        foreach (var key in keys.Where(k => !k.StartsWith('.')))
        {
            try
            {
                machines.AddRange(ReadProject(dataDirectory, key, owner));
            }
            catch (IOException e)
            {
                warn($"the project state {Path.Combine(dataDirectory, "projects", key)} is skipped: {e.Message}");
            }
        }

        return machines;
    }

    private static IEnumerable<ListedMachine> ReadProject(string dataDirectory, string key, long owner)
    {
        var stateDirectory = Path.Combine(dataDirectory, "projects", key);
        ProjectEntry? entry;
        IReadOnlyList<string> names;
        using (var project = BeneathFolder.Open(dataDirectory, ["projects", key], owner))
        {
            if (project is null || project.ReadFile(ProjectEntry.FileName, owner, MaxRecordBytes) is not { } bytes)
            {
                return [];
            }

            entry = Deserialize<ProjectEntry>(bytes);
            if (entry is null || string.IsNullOrEmpty(entry.Path) || !Path.IsPathFullyQualified(entry.Path) || entry.Path.Any(char.IsControl))
            {
                throw new IOException($"its {ProjectEntry.FileName} does not name a project folder");
            }
        }

        using (var machinesFolder = BeneathFolder.Open(dataDirectory, ["projects", key, "machines"], owner))
        {
            names = machinesFolder is null ? [] : [.. machinesFolder.Names().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal)];
        }

        var found = new List<ListedMachine>();
        foreach (var name in names)
        {
            MachineRecord? record = null;
            string? problem = null;
            try
            {
                using var folder = BeneathFolder.Open(dataDirectory, ["projects", key, "machines", name], owner);
                if (folder?.ReadFile(MachineRecordStore.FileName, owner, MaxRecordBytes) is not { } bytes)
                {
                    continue; // A machine folder without a record: destroyed (its lock stays) or never created.
                }

                record = Deserialize<MachineRecord>(bytes) ?? throw new IOException("it holds null");
            }
            catch (IOException e)
            {
                problem = $"its record cannot be read: {e.Message}";
            }

            found.Add(new ListedMachine(dataDirectory, stateDirectory, entry.Path, name, record, problem));
        }

        return found;
    }

    private static T? Deserialize<T>(byte[] bytes)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, JsonState.Options);
        }
        catch (JsonException e)
        {
            throw new IOException("it is damaged: " + e.Message, e);
        }
    }
}
