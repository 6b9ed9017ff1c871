using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless destroy --orphan ID</c>: destroys a machine whose project folder is gone, found by its id in this
/// command's data dir, as <c>destroy</c> in its project would (<see cref="DestroyHandler"/>: stopped, its root removed
/// without crossing a mount or following a link out, its state cleared), then the project's state folder once no
/// machine is left in it. No Disklessfile is read: there is none. A machine whose project still exists is refused.
/// </summary>
internal static class OrphanDestroyHandler
{
    public static async Task<int> RunAsync(DisklessServices root, IHostServices host, IPluginCatalog plugins, string id, bool force, CancellationToken cancellationToken)
    {
        var dataDirectory = host.Paths.DataDirectory;
        var found = MachineListing.Read(dataDirectory, root.Isolation.Identity.Uid, host.Progress.Warn).Where(m => m.Record?.Id == id).ToList();
        if (found is not [var machine])
        {
            throw new DisklessException(
                found.Count == 0 ? $"No machine has the id '{id}' in the data dir {dataDirectory}." : $"{found.Count} records in {dataDirectory} claim the id '{id}': nothing was done.",
                "diskless global-status lists every machine, its id, and the command that removes an orphan (with its data dir)",
                ExitCodes.Usage);
        }

        if (!machine.IsOrphan)
        {
            throw new DisklessException(
                $"Machine '{machine.Name}' ({id}) belongs to {machine.ProjectDirectory}, which exists: it is no orphan.",
                $"cd {ShellQuoting.Quote(machine.ProjectDirectory)} && diskless destroy {machine.Name}",
                ExitCodes.Usage);
        }

        var project = new ProjectSpec(Path.Combine(machine.ProjectDirectory, "Disklessfile"), machine.ProjectDirectory, [Spec(machine)]);
        var state = new ProjectState(machine.ProjectDirectory, host.Paths);
        if (state.StateDirectory != machine.StateDirectory)
        {
            throw new DisklessException(
                $"{Path.Combine(machine.StateDirectory, ProjectEntry.FileName)} names {machine.ProjectDirectory}, whose state is kept elsewhere: it is not what diskless wrote. Nothing was done.",
                $"look at {machine.StateDirectory}, and remove it by hand if it is no machine of yours",
                ExitCodes.WrongMachineState);
        }

        var services = root.Lifecycle(host, plugins, project, state);
        if (machine.Record!.IdMap is { } map)
        {
            services = services with { Isolation = services.Isolation.ForGoneProject(machine.ProjectDirectory, map.LoginUid, map.LoginGid) };
        }

        var exitCode = await DestroyHandler.RunAsync(services, machine.Name, force, root.Input, root.Interactive, cancellationToken).ConfigureAwait(false);
        ProjectStateFolder.RemoveOfGoneProject(state, host.Progress);
        return exitCode;
    }

    /// <summary>A spec of the orphan from its record: destroy needs its name and provider, and no Disklessfile holds it any more.</summary>
    private static MachineSpec Spec(ListedMachine machine)
    {
        var record = machine.Record!;
        return new MachineSpec(
            machine.Name,
            machine.ProjectDirectory,
            Path.Combine(machine.ProjectDirectory, "Disklessfile"),
            1,
            512,
            new DistroSpec(record.Distro, null, null, [], "root", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
            new ProviderSpec(record.Provider, Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            new ShareSpec(record.RootTransport),
            [],
            [],
            [],
            TimeSpan.Zero);
    }
}
