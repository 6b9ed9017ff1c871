using Diskless.Abstractions;

namespace Diskless.PluginSupport.Configure;

/// <summary>
/// Applies a <see cref="ConfigurePlan"/> to a machine root: file edits through <see cref="IRootFiles"/> (which never
/// writes outside the root nor through a link), programs through <see cref="IChroot"/> — and those only while the
/// guest has never run.
/// </summary>
public sealed class ConfigureExecutor(IHostServices host)
{
    public async Task ApplyAsync(IRootFiles root, ConfigurePlan plan, CancellationToken cancellationToken)
    {
        foreach (var warning in plan.Warnings)
        {
            host.Progress.Warn(warning);
        }

        using var stage = host.Progress.BeginStage("Configuring the machine root");
        try
        {
            var edits = new List<RootEdit>();
            foreach (var step in plan.Steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                host.Progress.Verbose(step.Describe());
                if (step is not RunInRootStep run)
                {
                    edits.Add(step);
                    continue;
                }

                // Edits go in batches (one sandbox each, for a namespace root), flushed before a program that reads them.
                await FlushAsync(root, edits, cancellationToken).ConfigureAwait(false);
                await RunAsync(root, plan, run, stage, cancellationToken).ConfigureAwait(false);
            }

            await FlushAsync(root, edits, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stage.Fail();
            throw;
        }
    }

    private static async Task FlushAsync(IRootFiles root, List<RootEdit> edits, CancellationToken cancellationToken)
    {
        if (edits.Count == 0)
        {
            return;
        }

        await root.ApplyAsync([.. edits], cancellationToken).ConfigureAwait(false);
        edits.Clear();
    }

    private async Task RunAsync(IRootFiles root, ConfigurePlan plan, RunInRootStep run, IProgressStage stage, CancellationToken cancellationToken)
    {
        if (plan.GuestHasRun)
        {
            // The planner never makes one; this is the last line of the rule, not the rule.
            throw new InvalidOperationException($"Refusing to run a program of a root the guest has run: {run.Describe()}");
        }

        stage.Update(run.Command.Description ?? run.Command.FileName);
        var result = await host.Chroot.RunAsync(root.Path, run.Command, cancellationToken).ConfigureAwait(false);
        host.Progress.Verbose($"{run.Command.Description ?? run.Command.FileName}: {result.Duration.TotalSeconds:0.0} s");
    }
}
