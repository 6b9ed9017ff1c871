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
        var context = new UpContext(machine, services.Host, services.Plugins, services.State, options with { UploadsConfinedTo = services.UploadsConfinedTo })
        {
            Time = services.Time,
            Isolation = services.Isolation,
            Namespaces = services.Namespaces,
        };
        try
        {
            await new PipelineRunner<UpContext>(Steps(services.Out), services.Host.Progress).RunAsync(context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await context.ReleaseBaseAsync().ConfigureAwait(false);
            // After recovery, which removes a failed first up's root through the namespace.
            if (context.Namespace is { } open)
            {
                await open.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (context.AlreadyRunning)
        {
            services.Host.Progress.Info($"Machine '{machine.Name}' is already running.");
        }
    }

    private static IReadOnlyList<IStep<UpContext>> Steps(TextWriter output) =>
    [
        new LoadMachineRecord(),
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
