namespace Diskless.Cli.State;

/// <summary>
/// A project's state folder (<c>projects/&lt;key&gt;</c>) outlives its last machine only as clutter: its
/// <c>project.json</c> alone would keep a project listed that has nothing (see <see cref="MachineListing"/>).
/// </summary>
internal static class ProjectStateFolder
{
    /// <summary>
    /// Removes <paramref name="stateDirectory"/> when no machine folder is left in it and it holds nothing but its
    /// <c>project.json</c>; anything else there keeps it. Called once the machines' locks are released (destroy, adopt).
    /// A command that makes a machine meanwhile keeps the folder (only an empty folder is deleted), and any later command
    /// of that machine writes the <c>project.json</c> again (<see cref="ProjectState.EnsureStateDirectory"/>).
    /// </summary>
    public static void RemoveIfNoMachines(string stateDirectory)
    {
        var machines = Path.Combine(stateDirectory, "machines");
        try
        {
            if (Directory.Exists(machines))
            {
                if (Directory.EnumerateFileSystemEntries(machines).Any())
                {
                    return;
                }

                Directory.Delete(machines);
            }

            if (!Directory.Exists(stateDirectory)
                || Directory.EnumerateFileSystemEntries(stateDirectory).Any(e => Path.GetFileName(e) != ProjectEntry.FileName))
            {
                return;
            }

            File.Delete(Path.Combine(stateDirectory, ProjectEntry.FileName));
            Directory.Delete(stateDirectory);
        }
        catch (IOException)
        {
            // Another command made something there meanwhile (a folder no longer empty): it stays.
        }
    }
}
