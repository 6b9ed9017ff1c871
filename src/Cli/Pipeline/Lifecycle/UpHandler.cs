using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Steps;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless up</c>: create (base, clone, configure), boot, wait for SSH, provision — each machine under its lock.
/// </summary>
internal static class UpHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, UpOptions options, CancellationToken cancellationToken)
    {
        foreach (var machine in services.Select(machineName))
        {
            // Whatever a failed first up leaves of its state folder goes as this lock is released, not after.
            await using var machineLock = await services.LockAsync(machine, "diskless up", cancellationToken).ConfigureAwait(false);
            await UpAsync(services, machine, options, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Brings one machine up; the caller holds its lock, and keeps it until this returns.</summary>
    public static async Task UpAsync(LifecycleServices services, MachineSpec machine, UpOptions options, CancellationToken cancellationToken)
    {
        var start = new UpStart(
            machine,
            services.Host,
            services.Plugins,
            services.State,
            options with { UploadsConfinedTo = services.UploadsConfinedTo },
            services.Time,
            services.Isolation,
            services.Namespaces);
        // The runner disposes the context (the base's lock, the machine's namespace) after the recovery, which
        // removes a failed first up's root through the namespace.
        var context = await new PipelineRunner<UpContext>(Steps(services.Out), services.Host.Progress)
            .RunAsync(new LoadMachineRecord(), start, cancellationToken).ConfigureAwait(false);

        if (context.AlreadyRunning)
        {
            services.Host.Progress.Info($"Machine '{machine.Name}' is already running.");
        }

        if (!context.AlreadyRunning)
        {
            // A new QEMU has the Disklessfile's forwards only: those of an earlier run went with it.
            Agent.Ports.ForwardsState.Clear(context.Record.StateDirectory);
            await PortsOnlyReload.RememberAsync(context.Record, machine, cancellationToken).ConfigureAwait(false);
        }

        // Last, once the machine runs: the agent logs in over SSH, and its failure is a warning, never a failed up.
        var agent = await services.Agents.EnsureStartedAsync(services.Host, machine, context.Record, cancellationToken).ConfigureAwait(false);
        await MovedForwards.ReportAsync(services, machine, context.Record, agent, cancellationToken).ConfigureAwait(false);
    }

    // After LoadMachineRecord, which makes the context they work on.
    private static IReadOnlyList<IStep<UpContext>> Steps(TextWriter output) =>
    [
        new OpenMachineNamespace(),
        new EnsureSshKeys(),
        new EnsureBase(),
        new CloneRoot(),
        new ConfigureRoot(),
        new StartMachine(),
        new WaitForSsh(),
        new Provision(output),
    ];
}
