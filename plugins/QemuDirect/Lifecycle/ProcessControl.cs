using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// QEMU's and virtiofsd's processes as the lifecycle handles them: signalled as Diskless itself, never through sudo,
/// and only while they are still the machine's (<see cref="MachineProcesses"/>); waited on at the lifecycle's pace.
/// A process in the machine's user namespace runs as guest root, a subordinate id in a namespace Diskless owns, so it
/// may be signalled without privilege; one running as host root (a host-owned root started through sudo) may not, and
/// is reported with the command that stops it.
/// </summary>
/// <param name="table">The host's process table.</param>
/// <param name="timings">How long to wait.</param>
/// <param name="invokerUid">The uid Diskless runs as.</param>
internal sealed class ProcessControl(IProcessTable table, QemuTimings timings, long invokerUid)
{
    public IProcessTable Table => table;

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> when it runs as <paramref name="machine"/>'s processes
    /// do, or as Diskless itself (a wrapper it started, not yet in the namespace). False when there was nothing to
    /// signal: the process is gone, or its pid now belongs to someone else and it is left alone.
    /// </summary>
    /// <exception cref="DisklessException">The process is the machine's but runs as host root, which Diskless, not being root, does not signal.</exception>
    public async Task<bool> SignalAsync(ICommandRunner runner, int pid, MachineProcesses machine, ProcessSignal signal, CancellationToken cancellationToken)
    {
        if (OwnerIfSignalled(pid, machine) is not { } owner)
        {
            return false;
        }

        if (owner != invokerUid && owner == 0)
        {
            var what = machine.IsQemuRunning(table, pid) ? "QEMU" : "virtiofsd";
            var name = signal == ProcessSignal.Kill ? "KILL" : "TERM";
            throw new DisklessException(
                $"{what} of this machine (pid {pid.ToString(CultureInfo.InvariantCulture)}) runs as host root, and Diskless never signals a process through sudo.",
                $"Stop it as root: sudo kill -{name} {pid.ToString(CultureInfo.InvariantCulture)}, or run this command as root.",
                ExitCodes.Failure);
        }

        return await runner.SignalAsync(pid, signal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="pid"/> has exited; false when it still runs after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken) =>
        table.WaitForExitAsync(pid, timeout, timings.PollInterval, cancellationToken);

    /// <summary>
    /// SIGKILL and wait; used where nothing is worth waiting for (a failed start, an escalated stop). True when the
    /// process is gone, or no longer the machine's to kill.
    /// </summary>
    public async Task<bool> KillAsync(ICommandRunner runner, int pid, MachineProcesses machine, CancellationToken cancellationToken)
    {
        if (!table.IsAlive(pid))
        {
            return true;
        }

        if (OwnerIfSignalled(pid, machine) is null)
        {
            return true;
        }

        await SignalAsync(runner, pid, machine, ProcessSignal.Kill, cancellationToken).ConfigureAwait(false);
        return await WaitForExitAsync(pid, timings.KillTimeout, cancellationToken).ConfigureAwait(false);
    }

    // The owner of a process that is the machine's, or Diskless's own; null for one that is gone or someone else's.
    private long? OwnerIfSignalled(int pid, MachineProcesses machine) =>
        table.OwnerUid(pid) is { } owner && (owner == machine.Owner || owner == invokerUid) ? owner : null;
}
