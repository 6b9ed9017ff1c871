using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// A machine's processes (its VMM, its virtiofsd) as a provider's lifecycle handles them: signalled as Diskless itself,
/// never through sudo, and only while they are still the machine's (<see cref="IMachineProcesses"/>); waited on at the
/// lifecycle's pace.
/// A process in the machine's user namespace runs as guest root, a subordinate id in a namespace Diskless owns, so it
/// may be signalled without privilege; one running as host root (a host-owned root started through sudo) may not, and
/// is reported with the command that stops it.
/// </summary>
/// <param name="table">The host's process table.</param>
/// <param name="pollInterval">Between two looks at the process table.</param>
/// <param name="killTimeout">For a process to vanish after SIGKILL.</param>
/// <param name="invokerUid">The uid Diskless runs as.</param>
public sealed class ProcessControl(IProcessTable table, TimeSpan pollInterval, TimeSpan killTimeout, long invokerUid)
{
    /// <summary>The host's process table.</summary>
    public IProcessTable Table => table;

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> while it is still one of <paramref name="machine"/>'s
    /// processes: their owner, and an argv only the machine's hold (or none left, as it exits). One Diskless
    /// <paramref name="startedHere"/>, in this command, may also run as Diskless itself (a wrapper not yet in the
    /// namespace). False when there was nothing to signal: the process is gone, or its pid now belongs to someone
    /// else, who is left alone.
    /// </summary>
    /// <exception cref="DisklessException">The process is the machine's but runs as host root, which Diskless, not being root, does not signal.</exception>
    public async Task<bool> SignalAsync(ICommandRunner runner, int pid, IMachineProcesses machine, ProcessSignal signal, CancellationToken cancellationToken, bool startedHere = false)
    {
        if (OwnerIfSignalled(pid, machine, startedHere) is not { } owner)
        {
            return false;
        }

        if (owner != invokerUid && owner == 0)
        {
            var what = machine.NameOf(table, pid);
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
        table.WaitForExitAsync(pid, timeout, pollInterval, cancellationToken);

    /// <summary>
    /// SIGKILL and wait; used where nothing is worth waiting for (a failed start, an escalated stop). True when the
    /// process is gone, or no longer the machine's to kill.
    /// </summary>
    public async Task<bool> KillAsync(ICommandRunner runner, int pid, IMachineProcesses machine, CancellationToken cancellationToken, bool startedHere = false)
    {
        if (!table.IsAlive(pid) || OwnerIfSignalled(pid, machine, startedHere) is null)
        {
            return true;
        }

        await SignalAsync(runner, pid, machine, ProcessSignal.Kill, cancellationToken, startedHere).ConfigureAwait(false);
        return await WaitForExitAsync(pid, killTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops a helper (a virtiofsd) of a machine whose VMM is gone: it exits by itself within <paramref name="grace"/> as
    /// a rule; otherwise SIGTERM and the same grace again, then SIGKILL. Warns through <paramref name="progress"/> when it
    /// outlives even that.
    /// </summary>
    public async Task StopHelperAsync(ICommandRunner runner, int pid, IMachineProcesses machine, TimeSpan grace, IProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(progress);
        if (await WaitForExitAsync(pid, grace, CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        await SignalAsync(runner, pid, machine, ProcessSignal.Terminate, CancellationToken.None).ConfigureAwait(false);
        if (!await WaitForExitAsync(pid, grace, CancellationToken.None).ConfigureAwait(false)
            && !await KillAsync(runner, pid, machine, CancellationToken.None).ConfigureAwait(false))
        {
            progress.Warn($"{machine.NameOf(table, pid)} (pid {pid.ToString(CultureInfo.InvariantCulture)}) is still running after SIGKILL.");
        }
    }

    // Looked at again right before each signal: a QEMU may exit while Diskless waits, and its pid go to anyone.
    private long? OwnerIfSignalled(int pid, IMachineProcesses machine, bool startedHere)
    {
        if (table.OwnerUid(pid) is not { } owner || (owner != machine.Owner && !(startedHere && owner == invokerUid)))
        {
            return null;
        }

        var argv = table.Argv(pid);
        return (argv is not null && machine.IsOwn(argv)) || (argv is null && table.IsExiting(pid)) ? owner : null;
    }
}
