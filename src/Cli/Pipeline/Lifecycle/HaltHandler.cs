using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary><c>diskless halt</c>: ask the guest to power off, wait, then force.</summary>
internal static class HaltHandler
{
    public static readonly TimeSpan GracefulTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, bool force, CancellationToken cancellationToken)
    {
        foreach (var machine in services.Select(machineName))
        {
            await using var machineLock = await services.LockAsync(machine, "diskless halt", cancellationToken).ConfigureAwait(false);
            await HaltAsync(services, machine, force, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Stops one machine (the caller holds its lock); returns false when there was nothing running.</summary>
    public static async Task<bool> HaltAsync(LifecycleServices services, MachineSpec machine, bool force, CancellationToken cancellationToken)
    {
        var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            services.Host.Progress.Info($"Machine '{machine.Name}' is not created.");
            return false;
        }

        // First: an agent left by a machine that crashed goes too, and one of a running machine must not see it go.
        await Agent.MachineAgents.StopAsync(services.Host, record, cancellationToken).ConfigureAwait(false);
        var provider = services.Plugins.GetProvider(record.Provider);
        var handle = record.ToHandle();
        var status = await provider.StatusAsync(handle, services.Host, cancellationToken).ConfigureAwait(false);
        if (status.State != MachineState.Running)
        {
            services.Host.Progress.Info($"Machine '{machine.Name}' is not running.");
            return false;
        }

        using (services.Host.Progress.BeginStage($"Stopping {machine.Name}" + (force ? " (forced)" : "")))
        {
            await provider.StopAsync(handle, new StopOptions(force, GracefulTimeout), services.Host, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
