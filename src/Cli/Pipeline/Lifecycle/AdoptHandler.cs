using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless adopt FROM</c>: the state the data dir keeps for the project folder FROM (a project moved from there, or
/// copied from it) becomes this project's, machine by machine, each under both its locks. Roots, snapshots and bases
/// stay where they are: only the record, keys and logs change folders.
/// </summary>
internal static class AdoptHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string from, string? machineName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        var origin = Origin(services, from);
        var adopted = 0;
        foreach (var machine in services.Select(machineName))
        {
            var source = Path.Combine(origin.StateDirectory, "machines", machine.Name);
            if (!File.Exists(MachineRecordStore.PathIn(source)))
            {
                services.Host.Progress.Info($"{origin.Entry.Path} has no machine '{machine.Name}'.");
                continue;
            }

            await using var own = await services.LockAsync(machine, "diskless adopt", cancellationToken).ConfigureAwait(false);
            if (await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new DisklessException(
                    $"Machine '{machine.Name}' already exists in this project: it cannot take over the one of {origin.Entry.Path}. Nothing was changed.",
                    $"keep this one, or remove it first (diskless destroy {machine.Name}) and run `diskless adopt` again",
                    ExitCodes.WrongMachineState);
            }

            await using (await MachineLock.AcquireAsync(source, "diskless adopt", cancellationToken).ConfigureAwait(false))
            {
                MoveAllButLock(source, services.StateDirectory(machine));
            }

            services.Host.Progress.Info($"Machine '{machine.Name}' of {origin.Entry.Path} is this project's now.");
            adopted++;
        }

        ProjectStateFolder.RemoveIfNoMachines(origin.StateDirectory);
        return adopted > 0 ? 0 : ExitCodes.WrongMachineState;
    }

    private static (string StateDirectory, ProjectEntry Entry) Origin(LifecycleServices services, string from)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(from, services.Project.ProjectDirectory));
        var real = RealPath.Resolve(full);
        if (real == services.State.RealProjectDirectory)
        {
            throw new DisklessException($"{from} is this project: there is nothing to adopt.", "name the folder the project was moved or copied from", ExitCodes.Usage);
        }

        var known = ProjectEntry.All(services.Host.Paths.ProjectsDirectory);
        return known.FirstOrDefault(p => p.Entry.Path == real || p.Entry.Path == full) is { Entry: not null } found
            ? found
            : throw new DisklessException(
                $"{services.Host.Paths.DataDirectory} keeps no machines for {full}.",
                known.Count == 0
                    ? "there is nothing to adopt: `diskless up` makes a new machine here"
                    : "name one of the project folders it keeps machines for: " + string.Join(", ", known.Select(p => p.Entry.Path)),
                ExitCodes.WrongMachineState);
    }

    private static void MoveAllButLock(string source, string target)
    {
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (entry.Name is MachineLock.LockFileName or MachineLock.HolderFileName)
            {
                continue;
            }

            var destination = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo folder)
            {
                folder.MoveTo(destination);
            }
            else
            {
                File.Move(entry.FullName, destination, overwrite: true);
            }
        }
    }
}
