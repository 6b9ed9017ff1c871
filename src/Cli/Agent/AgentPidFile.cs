using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Agent;

/// <summary>
/// The running agent's pid, <c>agent.json</c> in the machine's state folder (which only the host writes). A pid is a
/// claim, not proof: before it is signalled or shown, the process must be this user's and its argv the agent's for
/// this machine's id (<see cref="AgentCommandLine.Matches"/>) — a pid the kernel gave to another process is not ours.
/// </summary>
public static class AgentPidFile
{
    /// <summary>The file's name in the machine's state folder.</summary>
    public const string FileName = "agent.json";

    /// <summary>The agent's log's name in the machine's state folder.</summary>
    public const string LogName = "agent.log";

    /// <summary>The pid file of the machine whose state folder is <paramref name="machineStateDirectory"/>.</summary>
    public static string PathIn(string machineStateDirectory) => Path.Combine(machineStateDirectory, FileName);

    /// <summary>Records <paramref name="pid"/> as the agent of machine <paramref name="machineId"/>.</summary>
    public static Task SaveAsync(string machineStateDirectory, AgentEntry entry, CancellationToken cancellationToken) =>
        JsonState.SaveAsync(PathIn(machineStateDirectory), entry, cancellationToken);

    /// <summary>
    /// The pid of the live agent of machine <paramref name="machineId"/>, or null: no file, a damaged one, or a pid that
    /// is gone or is not this user's agent for this machine.
    /// </summary>
    public static async Task<int?> LiveAsync(string machineStateDirectory, string machineId, IProcessTable processes, CancellationToken cancellationToken)
    {
        AgentEntry? entry;
        try
        {
            entry = await JsonState.LoadAsync<AgentEntry>(PathIn(machineStateDirectory), cancellationToken).ConfigureAwait(false);
        }
        catch (DisklessException)
        {
            return null;
        }

        return entry is { Pid: > 1 } && entry.MachineId == machineId && IsAgent(entry.Pid, machineId, processes) ? entry.Pid : null;
    }

    /// <summary>Whether <paramref name="pid"/> is alive, this user's, and the agent of <paramref name="machineId"/> by its argv.</summary>
    public static bool IsAgent(int pid, string machineId, IProcessTable processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        return processes.IsAlive(pid)
            && processes.OwnerUid(pid) == (int)Isolation.HostIdentity.CurrentUid()
            && processes.Argv(pid) is { } argv
            && AgentCommandLine.Matches(argv, machineId);
    }

    /// <summary>Forgets the agent (after it was stopped, or found gone).</summary>
    public static void Delete(string machineStateDirectory) => File.Delete(PathIn(machineStateDirectory));
}

/// <summary>What <c>agent.json</c> holds.</summary>
/// <param name="Pid">The agent's host pid.</param>
/// <param name="MachineId">The machine it serves.</param>
/// <param name="StartedAt">When it was started.</param>
public sealed record AgentEntry(int Pid, string MachineId, DateTimeOffset StartedAt);
