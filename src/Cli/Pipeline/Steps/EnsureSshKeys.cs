using Diskless.Cli.Ssh;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>The machine's client key pair and the guest's host key, made once on the host so the host key can be pinned.</summary>
internal sealed class EnsureSshKeys : IStep<UpContext>
{
    public string Name => "SSH keys";

    public bool ShouldRun(UpContext context) => true;

    // The later steps read the keys from the state folder (UpContext.KeysAsync), where they live.
    public Task RunAsync(UpContext context, CancellationToken cancellationToken) =>
        MachineKeys.EnsureAsync(context.StateDirectory, context.Host.Commands, cancellationToken);

    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
