using System.Globalization;

namespace Diskless.Cli.Agent;

/// <summary>
/// The host agent's sequencing: starts every job that applies to the machine side by side, checks every
/// <see cref="CheckInterval"/> that the machine still runs, and when it does not (or the agent is told to stop) ends
/// the jobs and returns. A job that throws ends alone, logged; the others keep running.
/// </summary>
/// <param name="jobs">Every job the program knows (<see cref="Composition.DisklessServices.AgentJobs"/>).</param>
/// <param name="time">The clock the checks wait on.</param>
public sealed class AgentRunner(IReadOnlyList<IMachineAgentJob> jobs, TimeProvider time)
{
    /// <summary>How often the agent asks whether its machine still runs: it must not outlive a machine that crashed.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs the jobs for <paramref name="machine"/> until <paramref name="machineRuns"/> says false (or throws), or
    /// <paramref name="cancellationToken"/> ends; returns once every job has ended. True when the machine went.
    /// </summary>
    public async Task<bool> RunAsync(AgentMachine machine, Func<CancellationToken, Task<bool>> machineRuns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(machineRuns);
        var applicable = jobs.Where(j => Applies(j, machine)).ToList();
        Log(machine, applicable.Count == 0 ? "no job applies to this machine" : "jobs: " + string.Join(", ", applicable.Select(j => j.Name)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = applicable.Select(j => RunJobAsync(j, machine, stop.Token)).ToList();
        var machineWent = false;
        try
        {
            while (true)
            {
                await Task.Delay(CheckInterval, time, stop.Token).ConfigureAwait(false);
                bool runs;
                try
                {
                    runs = await machineRuns(stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log(machine, "cannot tell whether the machine runs: " + e.Message);
                    runs = false;
                }

                if (!runs)
                {
                    Log(machine, "the machine is no longer running: the agent stops");
                    machineWent = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Log(machine, "told to stop");
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
        return machineWent;
    }

    private static bool Applies(IMachineAgentJob job, AgentMachine machine)
    {
        try
        {
            return job.AppliesTo(machine);
        }
        catch (Exception e)
        {
            Log(machine, $"job {job.Name}: cannot tell whether it applies: {e.Message}");
            return false;
        }
    }

    private static async Task RunJobAsync(IMachineAgentJob job, AgentMachine machine, CancellationToken cancellationToken)
    {
        // Yield first: a job whose start is synchronous must not hold up the others or the machine checks.
        await Task.Yield();
        try
        {
            Log(machine, $"job {job.Name}: started");
            await job.RunAsync(machine, cancellationToken).ConfigureAwait(false);
            Log(machine, $"job {job.Name}: ended");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log(machine, $"job {job.Name}: stopped");
        }
        catch (Exception e)
        {
            Log(machine, $"job {job.Name}: failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static void Log(AgentMachine machine, string line)
    {
        lock (machine.Log)
        {
            machine.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}"));
            machine.Log.Flush();
        }
    }
}
