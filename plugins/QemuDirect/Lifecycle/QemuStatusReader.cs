using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// Reads a machine's state from the process table and its files. QEMU removes its pid file when it exits by
/// itself (guest power-off, QMP quit) and StopAsync leaves a marker, so a dead QEMU with neither is a crash.
/// </summary>
internal sealed class QemuStatusReader(IProcessTable table, ICommandRunner? commands = null, ProcDescriptors? proc = null)
{
    /// <summary>Console lines shown for a crashed machine.</summary>
    public const int ConsoleTailLines = 30;

    public async Task<MachineStatus> ReadAsync(MachineHandle handle, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(handle.StateDirectory))
        {
            return new MachineStatus(MachineState.NotCreated);
        }

        var files = MachineFiles.For(handle);
        var data = HandleData.From(handle);
        if (data is null)
        {
            return new MachineStatus(MachineState.Stopped, "never started");
        }

        var machine = MachineProcesses.For(handle);
        var failure = await BootDiagnostics.ReadAsync(handle, cancellationToken).ConfigureAwait(false);
        if (machine.IsQemuRunning(table, data.QemuPid))
        {
            // Still Running (the VM is there, and halt must stop it), but say so when a share's server died under it.
            var liveHelpers = machine.LiveHelpers(table, data.VirtiofsdPids);
            var lostHelpers = data.VirtiofsdPids.Except(liveHelpers).ToList();
            return lostHelpers.Count == 0
                ? new MachineStatus(
                    MachineState.Running,
                    $"qemu pid {data.QemuPid} ({data.Accelerator})",
                    Failure: failure,
                    Descriptors: await DescriptorsAsync(liveHelpers, cancellationToken).ConfigureAwait(false))
                : new MachineStatus(
                    MachineState.Running,
                    $"qemu pid {data.QemuPid} runs, but virtiofsd (pid {string.Join(", ", lostHelpers)}) exited: the guest lost its shared folders; halt and up again",
                    await LogTail.ReadAsync(handle.ConsoleLogPath, ConsoleTailLines, cancellationToken).ConfigureAwait(false),
                    Failure: failure);
        }

        if (File.Exists(files.StoppedMarker) || !File.Exists(files.PidFile))
        {
            // A guest that panics with -no-reboot stops QEMU by itself: up's wait still learns why from its console.
            return new MachineStatus(MachineState.Stopped, Failure: failure);
        }

        // As libvirt's status says it: the crash, then what its console shows.
        return new MachineStatus(
            MachineState.Crashed,
            BootDiagnostics.Describe($"qemu (pid {data.QemuPid}) exited unexpectedly", failure),
            await LogTail.ReadAsync(handle.ConsoleLogPath, ConsoleTailLines, cancellationToken).ConfigureAwait(false),
            Failure: failure);
    }

    // Only the pids this host recorded and matched as the machine's virtiofsd: never one the guest could name. A rootless
    // machine's are counted from inside its user namespace, where its owner may read them.
    private async Task<List<DescriptorUse>> DescriptorsAsync(IReadOnlyList<int> helpers, CancellationToken cancellationToken)
    {
        var reader = proc ?? new ProcDescriptors();
        var uses = Read(reader, helpers);
        var unreadable = helpers.SelectMany(pid => HelperDescriptors.Tree(reader, pid)).Where(pid => reader.Open(pid) is null).ToList();
        if (commands is null || unreadable.Count == 0)
        {
            return uses;
        }

        var counts = await NamespacedDescriptorCount.CountAsync(commands, unreadable, cancellationToken).ConfigureAwait(false);
        return counts.Count == 0 ? uses : Read(reader.WithCounts(counts), helpers);
    }

    private static List<DescriptorUse> Read(ProcDescriptors reader, IEnumerable<int> helpers) =>
        helpers.Select(pid => HelperDescriptors.Read(reader, pid, "virtiofsd")).OfType<DescriptorUse>().ToList();
}
