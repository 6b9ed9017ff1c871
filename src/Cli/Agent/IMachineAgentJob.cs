namespace Diskless.Cli.Agent;

/// <summary>
/// One duty of a running machine's host agent: the one background <c>diskless</c> process per running machine that
/// lives from the end of <c>up</c> (or <c>reload</c>) to <c>halt</c>/<c>destroy</c>, holds one SSH connection to the
/// guest and runs every job that applies, side by side (forwarding the ports the guest starts listening on, telling
/// the guest's watchers of host edits in synced folders…).
/// </summary>
public interface IMachineAgentJob
{
    /// <summary>A short name for the agent's log and <c>status</c> ("ports", "watch").</summary>
    string Name { get; }

    /// <summary>Whether this machine needs the job at all (its Disklessfile turned it on, it has a folder to watch…).</summary>
    bool AppliesTo(AgentMachine machine);

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> ends it (the machine halts, the agent is told to stop). A job that
    /// fails ends alone: the agent logs the failure and the other jobs keep running.
    /// </summary>
    Task RunAsync(AgentMachine machine, CancellationToken cancellationToken);
}
