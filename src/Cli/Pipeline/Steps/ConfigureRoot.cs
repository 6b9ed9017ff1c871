using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>Has the distro plugin configure the root for this machine and its shares; records what to boot.</summary>
internal sealed class ConfigureRoot : IStep<UpContext>
{
    public string Name => "configure root";

    public bool ShouldRun(UpContext context) => context.CreatedNow || (context.Options.Reconfigure && !context.AlreadyRunning);

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        // On reload a Disklessfile that now names another transport takes effect here.
        // Synced folders take the provider's default, not the root's: a 9p root must not make them 9p, which QEMU
        // serves without the setuid filter virtiofsd has.
        var folderTransport = await context.Provider.DefaultTransportAsync(context.Host, cancellationToken).ConfigureAwait(false);
        context.Record = context.Record with
        {
            RootTransport = context.Spec.Share.Transport ?? context.Record.RootTransport,
            FolderTransport = folderTransport,
        };
        // The guest's fstab mounts /home from its own share wherever the provider can serve one ("nofail": a start that
        // finds the folder unfit to serve leaves the guest its root's /home).
        var shares = SharePlanner.Plan(context.Spec, context.RootDirectory, context.Record.RootTransport, folderTransport, context.Provider.Capabilities.HomeShare);
        var network = await context.Provider.DescribeNetworkAsync(context.Spec, context.Host, cancellationToken).ConfigureAwait(false);
        var keys = await context.KeysAsync(cancellationToken).ConfigureAwait(false);
        var request = new ConfigureRequest(new MachineRoot(context.RootDirectory), context.Spec, shares, keys.ToGuestIdentity(context.Spec.Distro.User),
            network, context.Record.GuestHasRun);
        context.Host.Progress.Info($"Configuring {context.Spec.Name} for a {Describe(context.Record.RootTransport)} root");
        var artifacts = await context.Distro.ConfigureAsync(request, context.Host, cancellationToken).ConfigureAwait(false);

        context.Record = context.Record with { Artifacts = artifacts, GuestAsksDhcp = network.Static is null };
        await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    internal static string Describe(ShareTransport transport) => transport == ShareTransport.VirtioFs ? "virtiofs" : "9p";
}
