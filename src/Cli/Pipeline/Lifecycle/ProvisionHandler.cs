using Diskless.Abstractions;
using Diskless.Cli.Provisioning;
using Diskless.Cli.Ssh;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary><c>diskless provision</c>: run the provisioners again on a running machine.</summary>
internal static class ProvisionHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, CancellationToken cancellationToken)
    {
        foreach (var machine in services.Select(machineName))
        {
            await using var machineLock = await services.LockAsync(machine, "diskless provision", cancellationToken).ConfigureAwait(false);
            var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
            var target = await SshTargets.RunningAsync(services, machine, record, cancellationToken).ConfigureAwait(false);
            using var session = await SshConnector.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            var result = await ProvisionerRunner.RunAsync(session, machine.Provisioners, services.Host.Progress, services.Out, cancellationToken, services.UploadsConfinedTo).ConfigureAwait(false);
            await MachineRecordStore.SaveAsync(services.StateDirectory(machine), record with { Provisioned = true, ProvisionedWith = result.Ran.Select(p => p.Describe()).ToList() }, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
