using Diskless.Abstractions;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Agent;

/// <summary>What a host agent job is given about the running machine it serves.</summary>
/// <param name="State">The project's state (data dir, state and runtime folders).</param>
/// <param name="Record">The machine's record as the agent started (its id, provider, ports, synced folders…).</param>
/// <param name="Spec">The machine as the Disklessfile described it when the agent started.</param>
/// <param name="Ssh">The agent's logged-in connection to the guest; jobs share it (SSH.NET runs commands side by side).</param>
/// <param name="Log">The agent's log (in the machine's state folder); one line per event worth reading later.</param>
public sealed record AgentMachine(ProjectState State, MachineRecord Record, MachineSpec Spec, ISshSession Ssh, TextWriter Log)
{
    /// <summary>The machine's provider (its plugin), for jobs that change the running machine (forwards); null when not given.</summary>
    public IProvider? Provider { get; init; }

    /// <summary>The host's services (command runner, processes, progress into the agent's log); null when not given.</summary>
    public IHostServices? Host { get; init; }

    /// <summary>The terminal of the person who ran <c>up</c>, for what they should see (a port moved); none when up's stderr was no terminal.</summary>
    public AgentNotices Notices { get; init; } = AgentNotices.None;
}
