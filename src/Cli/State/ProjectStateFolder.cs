using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// A project's state folder (<c>projects/&lt;key&gt;</c>) outlives its last machine only as clutter: one more folder for
/// <c>global-status</c> (<see cref="MachineListing"/>) and for a status looking for a moved project
/// (<see cref="ProjectState.MovedFrom"/>) to read, for a project that has nothing.
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

    /// <summary>
    /// Removes the state folder of a project whose folder is gone (destroy of an orphan) once no machine with a record
    /// is left in it, with whatever else is there: no command of that project can be running. A folder that leads out
    /// of the data dir's <c>projects</c> is left as it is, with a warning.
    /// </summary>
    public static void RemoveOfGoneProject(ProjectState state, IProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(progress);
        var machines = state.MachinesStateDirectory;
        if (!Directory.Exists(state.StateDirectory)
            || (Directory.Exists(machines) && Directory.EnumerateDirectories(machines).Any(m => File.Exists(MachineRecordStore.PathIn(m)))))
        {
            return;
        }

        if (FolderContainment.Inside(state.StateDirectory, state.Paths.ProjectsDirectory) is not { } folder || new DirectoryInfo(folder).LinkTarget is not null)
        {
            progress.Warn($"the state folder {state.StateDirectory} leads out of {state.Paths.ProjectsDirectory}: left as it is");
            return;
        }

        Directory.Delete(folder, recursive: true);
    }
}
