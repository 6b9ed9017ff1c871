using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless destroy</c>: stop the machine, then remove its root folder (only its own, never crossing a mount or
/// following a link out), its runtime folder and its state. The base stays in the cache.
/// </summary>
internal static class DestroyHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, bool force, TextReader input, bool interactive, CancellationToken cancellationToken)
    {
        foreach (var machine in services.Select(machineName))
        {
            await using (await services.LockAsync(machine, "diskless destroy", cancellationToken).ConfigureAwait(false))
            {
                // A record is checked, its folders recomputed, before anything is stopped or deleted.
                var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
                if (record is null)
                {
                    services.Host.Progress.Info($"Machine '{machine.Name}' is not created.");
                    continue;
                }

                if (!force && !Confirm(services, machine, record, input, interactive))
                {
                    services.Host.Progress.Info($"Machine '{machine.Name}' was kept.");
                    continue;
                }

                await DestroyAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
            }
        }

        // After the locks, which live in the machines' folders, are released.
        ProjectStateFolder.RemoveIfNoMachines(services.State.StateDirectory);
        return 0;
    }

    private static async Task DestroyAsync(LifecycleServices services, MachineSpec machine, MachineRecord record, CancellationToken cancellationToken)
    {
        using var stage = services.Host.Progress.BeginStage($"Destroying {record.Name}");
        await Agent.MachineAgents.StopAsync(services.Host, record, cancellationToken).ConfigureAwait(false);
        var provider = services.Plugins.GetProvider(record.Provider);
        await provider.DestroyAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false);
        var machineData = Path.Combine(services.Host.Paths.MachinesDirectory, record.Id);
        if (Directory.Exists(machineData))
        {
            // A root of subordinate ids is removed by guest root in the machine's namespace: the user may not, and
            // root need not act as host root on what the guest wrote.
            await using var open = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false);
            var host = open?.Host ?? services.Host;
            await FolderRemover.RemoveAsync(machineData, host.Paths.MachinesDirectory, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
        }

        RemoveRuntimeDirectory(services, record);
        ClearStateDirectory(services, machine);
    }

    // The folders are the ones this host computes for the machine (a record's own say was replaced when it was read,
    // see RecordCheck), and each must still lie inside its parent with links resolved before it goes.
    private static void RemoveRuntimeDirectory(LifecycleServices services, MachineRecord record)
    {
        if (FolderContainment.Inside(services.State.RuntimeDirectory(record.Id), services.State.RuntimeBaseDirectory) is not { } runtime)
        {
            services.Host.Progress.Warn($"the runtime folder {services.State.RuntimeDirectory(record.Id)} leads out of {services.State.RuntimeBaseDirectory}: left as it is");
            return;
        }

        var folder = new DirectoryInfo(runtime);
        if (folder.LinkTarget is not null)
        {
            folder.Delete();
        }
        else if (folder.Exists)
        {
            folder.Delete(recursive: true);
        }
    }

    // The state folder holds the record just destroyed: it goes, the lock as the lock is released.
    private static void ClearStateDirectory(LifecycleServices services, MachineSpec machine) =>
        MachineStateFolder.RemoveAllButLock(services.StateDirectory(machine));

    private static bool Confirm(LifecycleServices services, MachineSpec machine, MachineRecord record, TextReader input, bool interactive)
    {
        // Its snapshots live in its folder and go with it: say so, they are often what someone wants to keep.
        var snapshots = new MachineSnapshots(record, services.Host).List();
        var andSnapshots = snapshots.Count == 0 ? "" : $" and its {snapshots.Count} snapshot(s) ({string.Join(", ", snapshots.Select(s => s.Name))})";
        if (!interactive)
        {
            throw new DisklessException(
                $"Destroying '{machine.Name}' deletes its root folder {record.RootPath}{andSnapshots}; without a terminal to confirm, diskless will not.",
                $"diskless destroy --force {machine.Name}",
                ExitCodes.Usage);
        }

        services.Out.Write($"Destroy machine '{machine.Name}' and delete its root folder {record.RootPath}{andSnapshots}? [y/N] ");
        var answer = input.ReadLine()?.Trim();
        return answer is "y" or "Y" or "yes";
    }
}
