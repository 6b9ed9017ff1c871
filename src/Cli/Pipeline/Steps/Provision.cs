using Diskless.Cli.Provisioning;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>Runs the provisioners over SSH: on the first up, or when asked with --provision.</summary>
internal sealed class Provision(TextWriter output) : IStep<UpContext>
{
    public string Name => "provision";

    public bool ShouldRun(UpContext context) =>
        context.Spec.Provisioners.Count > 0 && (context.Options.Provision || !context.Record.Provisioned);

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        var keys = await context.KeysAsync(cancellationToken).ConfigureAwait(false);
        var target = keys.ToTarget(context.Record.Ssh!, context.Spec.Distro.User);
        using var session = await SshConnector.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        var result = await ProvisionerRunner.RunAsync(session, context.Spec.Provisioners, context.Host.Progress, output, cancellationToken, context.Options.UploadsConfinedTo).ConfigureAwait(false);
        context.Record = context.Record with { Provisioned = true, ProvisionedWith = result.Ran.Select(p => p.Describe()).ToList() };
        await context.SaveRecordAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
