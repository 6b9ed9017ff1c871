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

    public Task RunAsync(TContext context, CancellationToken cancellationToken) =>
        RunAsync(context, new Stack<(string, Func<CancellationToken, Task>)>(), cancellationToken);

    /// <summary>
    /// Runs <paramref name="opening"/>, which makes the context from <paramref name="start"/>, then the steps on it;
    /// its recovery runs last, as the first step entered. A context that holds something (a lock, a namespace) is
    /// disposed after the last step, or after the recovery. Returns the context the steps left.
    /// </summary>
    public async Task<TContext> RunAsync<TStart>(IOpeningStep<TStart, TContext> opening, TStart start, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        progress.Verbose($"step: {opening.Name}");
        var context = await opening.RunAsync(start, cancellationToken).ConfigureAwait(false);
        try
        {
            var entered = new Stack<(string, Func<CancellationToken, Task>)>();
            entered.Push((opening.Name, token => opening.RecoverAsync(context, token)));
            await RunAsync(context, entered, cancellationToken).ConfigureAwait(false);
            return context;
        }
        finally
        {
            if (context is IAsyncDisposable held)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(TContext context, Stack<(string Name, Func<CancellationToken, Task> Recover)> entered, CancellationToken cancellationToken)
    {
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
                entered.Push((step.Name, token => step.RecoverAsync(context, token)));
                await step.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            await RecoverAsync(entered).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RecoverAsync(Stack<(string Name, Func<CancellationToken, Task> Recover)> entered)
    {
        while (entered.TryPop(out var step))
        {
            using var timeout = new CancellationTokenSource(RecoveryTimeout);
            try
            {
                await step.Recover(timeout.Token).ConfigureAwait(false);
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
