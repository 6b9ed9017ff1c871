using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline;

/// <summary>
/// Runs steps in order. On failure or cancellation it calls <see cref="IStep{TContext}.RecoverAsync"/> on every
/// step it entered, newest first, each under its own timeout and never the caller's token, then rethrows the
/// original error. A recovery that itself fails is reported as a warning and does not hide the original error.
/// </summary>
internal sealed class PipelineRunner<TContext>(IReadOnlyList<IStep<TContext>> steps, IProgressReporter progress)
{
    /// <summary>How long one step's recovery may take (unmounts, stopping qemu).</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public async Task RunAsync(TContext context, CancellationToken cancellationToken)
    {
        var entered = new Stack<IStep<TContext>>();
        try
        {
            foreach (var step in steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!step.ShouldRun(context))
                {
                    progress.Verbose($"skipping step: {step.Name}");
                    continue;
                }

                progress.Verbose($"step: {step.Name}");
                entered.Push(step);
                await step.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            await RecoverAsync(entered, context).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RecoverAsync(Stack<IStep<TContext>> entered, TContext context)
    {
        while (entered.TryPop(out var step))
        {
            using var timeout = new CancellationTokenSource(RecoveryTimeout);
            try
            {
                await step.RecoverAsync(context, timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The original failure is what the user needs; a failed clean-up is reported beside it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                progress.Warn($"clean-up after a failed '{step.Name}' did not finish: {e.Message}");
            }
        }
    }
}
