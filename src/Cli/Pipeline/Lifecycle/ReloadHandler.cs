namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary><c>diskless reload</c>: halt, configure the root again from the current Disklessfile, boot.</summary>
internal static class ReloadHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, bool provision, CancellationToken cancellationToken)
    {
        foreach (var machine in services.Select(machineName))
        {
            await using (await services.LockAsync(machine, "diskless reload (halt)", cancellationToken).ConfigureAwait(false))
            {
                await HaltHandler.HaltAsync(services, machine, force: false, cancellationToken).ConfigureAwait(false);
            }

            await UpHandler.RunAsync(services, machine.Name, new UpOptions(Provision: provision, Reconfigure: true), cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
