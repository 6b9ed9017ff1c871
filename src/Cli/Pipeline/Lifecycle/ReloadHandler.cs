namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary><c>diskless reload</c>: halt, configure the root again from the current Disklessfile, boot.</summary>
internal static class ReloadHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, bool provision, CancellationToken cancellationToken)
    {
        foreach (var machine in services.Select(machineName))
        {
            // One lock from halt to up: released in between, another command could start or destroy the machine.
            await using var machineLock = await services.LockAsync(machine, "diskless reload", cancellationToken).ConfigureAwait(false);
            if (!provision && await PortsOnlyReload.TryAsync(services, machine, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            await HaltHandler.HaltAsync(services, machine, force: false, cancellationToken).ConfigureAwait(false);
            await UpHandler.UpAsync(services, machine, new UpOptions(Provision: provision, Reconfigure: true), cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
