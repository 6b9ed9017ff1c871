using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Agent;

/// <summary>
/// Starts and stops a machine's host agent (<c>diskless agent</c>, detached, one per running machine) and tells
/// whether it runs. Starting never fails the command that asked: the machine runs without its agent, with a warning.
/// </summary>
/// <param name="program">How to run this program again; null when it is not diskless (in-process tests): no agent then.</param>
/// <param name="terminal">The terminal the agent also tells of what it forwards (<see cref="AgentTerminal.For"/>); null for none.</param>
public sealed class MachineAgents(Func<(string Program, IReadOnlyList<string> Prefix)?> program, Func<string?>? terminal = null)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The agents of this program (<see cref="AgentCommandLine.ThisProgram"/>).</summary>
    public static MachineAgents ForThisProgram() => new(AgentCommandLine.ThisProgram, AgentTerminal.OfThisProcess);

    /// <summary>
    /// Starts the agent of the running machine <paramref name="record"/> unless one runs already; a failure is a warning.
    /// Returns the agent's pid, or null when none was started.
    /// </summary>
    public async Task<int?> EnsureStartedAsync(IHostServices host, MachineSpec machine, MachineRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(record);
        if (program() is not { } self)
        {
            return null;
        }

        try
        {
            if (await AgentPidFile.LiveAsync(record.StateDirectory, record.Id, host.Processes, cancellationToken).ConfigureAwait(false) is { } running)
            {
                return running;
            }

            var command = new CommandSpec(self.Program, [.. self.Prefix, .. AgentCommandLine.Arguments(machine.Name, record.Id, machine.DisklessfilePath, terminal?.Invoke())])
            {
                Description = $"host agent of {machine.Name}",
                WorkingDirectory = machine.ProjectDirectory,
            };
            var pid = await host.Commands.StartDetachedAsync(command, Path.Combine(record.StateDirectory, AgentPidFile.LogName), cancellationToken).ConfigureAwait(false);
            await AgentPidFile.SaveAsync(record.StateDirectory, new AgentEntry(pid, record.Id, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
            return pid;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Progress.Warn($"the host agent of '{machine.Name}' did not start ({e.Message}); ports the guest opens are not forwarded. `diskless reload {machine.Name}` tries again.");
            return null;
        }
    }

    /// <summary>Stops the machine's agent, if one runs (SIGTERM, then SIGKILL), and forgets it.</summary>
    public static async Task StopAsync(IHostServices host, MachineRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(record);
        if (await AgentPidFile.LiveAsync(record.StateDirectory, record.Id, host.Processes, cancellationToken).ConfigureAwait(false) is { } pid)
        {
            await host.Commands.SignalAsync(pid, ProcessSignal.Terminate, CancellationToken.None).ConfigureAwait(false);
            if (!await host.Processes.WaitForExitAsync(pid, StopTimeout, CancellationToken.None).ConfigureAwait(false)
                && AgentPidFile.IsAgent(pid, record.Id, host.Processes))
            {
                await host.Commands.SignalAsync(pid, ProcessSignal.Kill, CancellationToken.None).ConfigureAwait(false);
                await host.Processes.WaitForExitAsync(pid, StopTimeout, CancellationToken.None).ConfigureAwait(false);
            }
        }

        AgentPidFile.Delete(record.StateDirectory);
    }

    /// <summary>The pid of the machine's live agent, or null.</summary>
    public static Task<int?> PidAsync(IHostServices host, MachineRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(record);
        return AgentPidFile.LiveAsync(record.StateDirectory, record.Id, host.Processes, cancellationToken);
    }
}
