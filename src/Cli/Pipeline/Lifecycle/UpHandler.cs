using Diskless.Cli.Pipeline.Steps;
using Diskless.Cli.State;

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
            var context = new UpContext(machine, services.Host, services.Plugins, services.State, options) { Time = services.Time };
            try
            {
                await using var machineLock = await services.LockAsync(machine, options.Reconfigure ? "diskless reload" : "diskless up", cancellationToken).ConfigureAwait(false);
                await new PipelineRunner<UpContext>(Steps(services.Out), services.Host.Progress).RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // A first up that failed removed the machine's state but its lock: the folder goes now.
                MachineStateFolder.RemoveIfAbandoned(services.StateDirectory(machine));
            }

            if (context.AlreadyRunning)
            {
                services.Host.Progress.Info($"Machine '{machine.Name}' is already running.");
            }
        }

        return 0;
    }

    private static IReadOnlyList<IStep<UpContext>> Steps(TextWriter output) =>
    [
        new LoadMachineRecord(),
        new EnsureSshKeys(),
        new EnsureBase(),
        new CloneRoot(),
        new ConfigureRoot(),
        new StartMachine(),
        new WaitForSsh(),
        new Provision(output),
    ];
}
