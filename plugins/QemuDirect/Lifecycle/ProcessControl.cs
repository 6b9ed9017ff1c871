using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// QEMU's and virtiofsd's processes as the lifecycle handles them: signalled as root when they run as host root (they
/// were started through sudo when Diskless is not root), as the user when they run in the user's namespace, and waited
/// on at the lifecycle's pace.
/// </summary>
internal sealed class ProcessControl(IProcessTable table, QemuTimings timings)
{
    public IProcessTable Table => table;

    /// <summary>
    /// Sends <paramref name="signal"/>; a process that is already gone is fine. Only a process owned by host root (or
    /// one whose owner cannot be read) is signalled through sudo: one running as a subordinate id lives in a user
    /// namespace the user owns, so the user may signal it without sudo, wherever the signal comes from.
    /// </summary>
    public Task SignalAsync(ICommandRunner runner, int pid, ProcessSignal signal, CancellationToken cancellationToken) =>
        runner.SignalAsync(pid, signal, asRoot: table.OwnerUid(pid) is not { } owner || owner == 0, cancellationToken);

    /// <summary>Waits until <paramref name="pid"/> has exited; false when it still runs after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken) =>
        table.WaitForExitAsync(pid, timeout, timings.PollInterval, cancellationToken);

    /// <summary>SIGKILL and wait; used where nothing is worth waiting for (a failed start, an escalated stop).</summary>
    public async Task<bool> KillAsync(ICommandRunner runner, int pid, CancellationToken cancellationToken)
    {
        if (!table.IsAlive(pid))
        {
            return true;
        }

        await SignalAsync(runner, pid, ProcessSignal.Kill, cancellationToken).ConfigureAwait(false);
        return await WaitForExitAsync(pid, timings.KillTimeout, cancellationToken).ConfigureAwait(false);
    }
}
