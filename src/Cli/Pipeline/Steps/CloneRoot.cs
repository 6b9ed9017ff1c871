using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>Makes the machine's root from the base (a btrfs snapshot where it can, else a reflink or plain copy) and sets its size limit.</summary>
internal sealed class CloneRoot : IStep<UpContext>
{
    public string Name => "clone root";

    public bool ShouldRun(UpContext context) => context.CreatedNow;

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        // A root left by a crashed first up is not trusted: start from the base again.
        await RemoveMachineDataAsync(context, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(context.MachineDataDirectory);
        // Before the clone: prune must see the base as used from the moment a root may depend on it.
        await BaseUsage.RecordAsync(context.MachineDataDirectory, Path.GetFileName(context.BaseDirectory!), cancellationToken).ConfigureAwait(false);
        string method;
        try
        {
            method = await RootCloner.CloneAsync(context.BaseDirectory!, context.RootDirectory, context.Host.Commands, context.Host.Progress, context.Host.Namespace, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The root no longer reads the base; its marker, written above, keeps prune away from it from now on.
            await context.ReleaseBaseAsync().ConfigureAwait(false);
        }

        context.Host.Progress.Verbose($"root cloned by {method}");
        if (context.Spec.SizeBytes is { } limit)
        {
            await RootQuota.LimitAsync(context.RootDirectory, limit, context.Host.Commands, context.Host.Progress, cancellationToken).ConfigureAwait(false);
        }

        context.Record = context.Record with { CloneMethod = method };
    }

    public async Task RecoverAsync(UpContext context, CancellationToken cancellationToken)
    {
        if (context.CreatedNow && !context.Record.SetupComplete)
        {
            await RemoveMachineDataAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RemoveMachineDataAsync(UpContext context, CancellationToken cancellationToken)
    {
        if (Directory.Exists(context.MachineDataDirectory))
        {
            await FolderRemover.RemoveAsync(context.MachineDataDirectory, context.Host.Paths.MachinesDirectory, context.Host.Commands, context.Host.Namespace, cancellationToken).ConfigureAwait(false);
        }
    }
}
