using Diskless.Abstractions;
using Diskless.Cli.Agent.Ports;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// The end of <c>up</c> and <c>reload</c>: one plain line on standard error for each port the guest listens on that the
/// agent forwards from another host port than its own (that one was taken). The agent is detached and writes to its
/// log, so this is where a script reading up's stderr learns of it; a listener that appears later is told to up's
/// terminal, if it had one (<see cref="Agent.AgentTerminal"/>), and shown by <c>status</c>.
/// </summary>
internal static class MovedForwards
{
    /// <summary>How long up waits for a new agent to have seen the guest's listeners once: it logs in and looks, a second or two.</summary>
    public static readonly TimeSpan FirstLookWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Says the moved forwards of <paramref name="machine"/>, whose agent is <paramref name="agentPid"/> (none: nothing to say).</summary>
    public static async Task ReportAsync(LifecycleServices services, MachineSpec machine, MachineRecord record, int? agentPid, CancellationToken cancellationToken)
    {
        if (agentPid is null || !machine.AutoForward.Enabled || services.Plugins.GetProvider(record.Provider) is not IRuntimePortForwarding)
        {
            return;
        }

        // The agent writes its state once it has looked, even when it forwards nothing (PortsAgentJob).
        var path = Path.Combine(record.StateDirectory, ForwardsState.AutoFileName);
        for (var waited = TimeSpan.Zero; !File.Exists(path) && waited < FirstLookWait; waited += Poll)
        {
            await Task.Delay(Poll, services.Time, cancellationToken).ConfigureAwait(false);
        }

        foreach (var moved in (await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AutoFileName, record.Id, cancellationToken).ConfigureAwait(false))
            .Where(f => f.Host != f.Guest))
        {
            services.Host.Progress.Info(Line(machine.Name, moved));
        }
    }

    /// <summary>The line for one moved forward.</summary>
    public static string Line(string machineName, ActiveForward moved) =>
        $"{machineName}: guest port {moved.Guest}/{moved.Protocol} is forwarded from {Loopback.Address}:{moved.Host} (host port {moved.Guest} was taken)";
}
