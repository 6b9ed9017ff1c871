using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Agent;

/// <summary>
/// <c>diskless agent</c>, the host agent itself: finds its machine (by name, checked against the id it was started
/// for), logs in once over SSH and runs the jobs (<see cref="AgentRunner"/>) until the machine stops running or the
/// agent is told to stop (SIGTERM from <c>halt</c>, <c>destroy</c>, <c>reload</c>).
/// </summary>
internal static class AgentHandler
{
    private const int ConnectAttempts = 5;

    private static readonly TimeSpan ConnectPause = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(
        LifecycleServices services, string machineName, string machineId, IReadOnlyList<IMachineAgentJob> jobs, TextWriter log, AgentNotices notices, CancellationToken cancellationToken)
    {
        var machine = services.SelectOne(machineName, AgentCommandLine.Command);
        var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        if (record is null || record.Id != machineId)
        {
            // Destroyed and made again since this agent was started: the new machine gets its own agent.
            await log.WriteLineAsync($"machine '{machineName}' is no longer machine {machineId}: the agent stops").ConfigureAwait(false);
            return ExitCodes.WrongMachineState;
        }

        var provider = services.Plugins.GetProvider(record.Provider);
        var handle = record.ToHandle();
        async Task<bool> MachineRuns(CancellationToken ct) =>
            (await provider.StatusAsync(handle, services.Host, ct).ConfigureAwait(false)).State == MachineState.Running;

        var target = await SshTargets.RunningAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
        using var ssh = await ConnectAsync(target, services.Time, log, cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync($"agent of machine '{machine.Name}' ({record.Id}) logged in as {ssh.User}").ConfigureAwait(false);
        await log.FlushAsync(cancellationToken).ConfigureAwait(false);
        await new AgentRunner(jobs, services.Time)
            .RunAsync(new AgentMachine(services.State, record, machine, ssh, log) { Provider = provider, Host = services.Host, Notices = notices }, MachineRuns, cancellationToken)
            .ConfigureAwait(false);
        return 0;
    }

    private static async Task<ISshSession> ConnectAsync(SshTarget target, TimeProvider time, TextWriter log, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SshConnector.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (DisklessException e) when (attempt < ConnectAttempts && e is not HostKeyMismatchException)
            {
                await log.WriteLineAsync($"cannot log in yet ({e.Message}); trying again").ConfigureAwait(false);
                await Task.Delay(ConnectPause, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
