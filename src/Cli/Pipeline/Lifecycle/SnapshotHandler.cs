using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless snapshot save|list|restore|delete</c>: snapshots of a machine's root, taken from the host. Save works
/// while the machine runs (the guest flushes its writes first: <c>sync</c> over SSH); restore needs it stopped.
/// </summary>
internal static class SnapshotHandler
{
    public static async Task<int> SaveAsync(LifecycleServices services, string? machineName, string name, CancellationToken cancellationToken)
    {
        var machine = services.SelectOne(machineName, "snapshot save");
        await using var machineLock = await services.LockAsync(machine, "diskless snapshot save", cancellationToken).ConfigureAwait(false);
        var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        if (await IsRunningAsync(services, record, cancellationToken).ConfigureAwait(false))
        {
            await FlushGuestAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
        }

        await using var open = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false);
        var method = await new MachineSnapshots(record, open?.Host ?? services.Host).SaveAsync(name, cancellationToken).ConfigureAwait(false);
        services.Host.Progress.Info($"Saved snapshot '{name}' of {machine.Name} ({method}).");
        return 0;
    }

    public static async Task<int> ListAsync(LifecycleServices services, string? machineName, bool json, CancellationToken cancellationToken)
    {
        var reports = new List<MachineSnapshotsReport>();
        foreach (var machine in services.Select(machineName))
        {
            var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
            if (record is not { SetupComplete: true })
            {
                reports.Add(new MachineSnapshotsReport(machine.Name, false, []));
                continue;
            }

            await using var open = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false);
            var host = open?.Host ?? services.Host;
            var snapshots = await new MachineSnapshots(record, host).MeasureAsync(cancellationToken).ConfigureAwait(false);
            reports.Add(new MachineSnapshotsReport(machine.Name, true, [.. snapshots.Select(s => new SnapshotReport(s.Snapshot.Name, s.Snapshot.Created, s.Usage.Bytes, s.Usage.Exclusive))]));
        }

        if (json)
        {
            CliJson.Write(services.Out, new SnapshotListReport(reports));
            return 0;
        }

        foreach (var report in reports)
        {
            await services.Out.WriteLineAsync(report.Created ? $"{report.Name}: {report.Snapshots.Count} snapshot(s)" : $"{report.Name}: not created").ConfigureAwait(false);
            foreach (var s in report.Snapshots)
            {
                await services.Out.WriteLineAsync(
                    $"  {s.Name,-24} {s.Created.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z  holds {new MemorySize(s.ExclusiveBytes).Approximate()} of its own ({new MemorySize(s.Bytes).Approximate()} in all)").ConfigureAwait(false);
            }
        }

        return 0;
    }

    public static async Task<int> RestoreAsync(LifecycleServices services, string? machineName, string name, bool force, CancellationToken cancellationToken)
    {
        var machine = services.SelectOne(machineName, "snapshot restore");
        await using var machineLock = await services.LockAsync(machine, "diskless snapshot restore", cancellationToken).ConfigureAwait(false);
        var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        await using (var check = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false))
        {
            // Before anything stops: a missing snapshot is an error, not a reason to halt the machine.
            new MachineSnapshots(record, check?.Host ?? services.Host).Require(name);
        }

        if (await IsRunningAsync(services, record, cancellationToken).ConfigureAwait(false))
        {
            if (!force)
            {
                throw new DisklessException(
                    $"Machine '{machine.Name}' is running; restoring snapshot '{name}' replaces its root, which the running guest is using.",
                    $"halt it first (diskless halt {machine.Name}), or let restore halt it: diskless snapshot restore --force {name} {machine.Name}",
                    ExitCodes.WrongMachineState);
            }

            await HaltHandler.HaltAsync(services, machine, force: false, cancellationToken).ConfigureAwait(false);
        }

        await using var open = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false);
        await new MachineSnapshots(record, open?.Host ?? services.Host).RestoreAsync(name, machine.SizeBytes, cancellationToken).ConfigureAwait(false);
        services.Host.Progress.Info($"Restored snapshot '{name}' of {machine.Name}; `diskless up {machine.Name}` boots it.");
        return 0;
    }

    public static async Task<int> DeleteAsync(LifecycleServices services, string? machineName, string name, CancellationToken cancellationToken)
    {
        var machine = services.SelectOne(machineName, "snapshot delete");
        await using var machineLock = await services.LockAsync(machine, "diskless snapshot delete", cancellationToken).ConfigureAwait(false);
        var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        await using var open = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false);
        await new MachineSnapshots(record, open?.Host ?? services.Host).DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        services.Host.Progress.Info($"Deleted snapshot '{name}' of {machine.Name}.");
        return 0;
    }

    private static async Task<bool> IsRunningAsync(LifecycleServices services, MachineRecord record, CancellationToken cancellationToken)
    {
        var provider = services.Plugins.GetProvider(record.Provider);
        var status = await provider.StatusAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false);
        return status.State == MachineState.Running;
    }

    /// <summary>
    /// The guest's page cache holds writes the host does not see yet; sync(2) in the guest pushes them through the
    /// shared filesystem first, so the snapshot holds what the guest wrote up to now.
    /// </summary>
    private static async Task FlushGuestAsync(LifecycleServices services, MachineSpec machine, MachineRecord record, CancellationToken cancellationToken)
    {
        using var stage = services.Host.Progress.BeginStage($"Flushing {machine.Name}'s writes (sync in the guest)");
        var target = await SshTargets.RunningAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
        using var session = await SshConnector.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        var exit = await session.ExecAsync("sync", null, null, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new DisklessException($"`sync` in {machine.Name} failed (exit {exit}): the snapshot would miss writes still in the guest's cache", "try again; if it keeps failing, halt the machine and save the snapshot then");
        }
    }

    private sealed record SnapshotListReport(IReadOnlyList<MachineSnapshotsReport> Machines);

    private sealed record MachineSnapshotsReport(string Name, bool Created, IReadOnlyList<SnapshotReport> Snapshots);

    private sealed record SnapshotReport(string Name, DateTimeOffset Created, long Bytes, long ExclusiveBytes);
}
