using Diskless.Cli.Pipeline;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

public sealed class PipelineRunnerTests
{
    private sealed class Log
    {
        public List<string> Entries { get; } = [];
    }

    private sealed class Step(string name, bool run = true, Exception? fail = null, Exception? failRecovery = null, Func<CancellationToken, Task>? body = null) : IStep<Log>
    {
        public string Name => name;

        public bool ShouldRun(Log context) => run;

        public async Task RunAsync(Log context, CancellationToken cancellationToken)
        {
            context.Entries.Add("run " + name);
            if (body is not null)
            {
                await body(cancellationToken);
            }

            if (fail is not null)
            {
                throw fail;
            }
        }

        public Task RecoverAsync(Log context, CancellationToken cancellationToken)
        {
            context.Entries.Add($"recover {name} (token cancelled: {cancellationToken.IsCancellationRequested})");
            return failRecovery is null ? Task.CompletedTask : Task.FromException(failRecovery);
        }
    }

    [Fact]
    public async Task Steps_run_in_order_and_skipped_steps_do_not_run()
    {
        var log = new Log();
        var runner = new PipelineRunner<Log>([new Step("a"), new Step("b", run: false), new Step("c")], new RecordingProgress());

        await runner.RunAsync(log, CancellationToken.None);

        Assert.Equal(["run a", "run c"], log.Entries);
    }

    [Fact]
    public async Task A_failure_recovers_every_entered_step_newest_first_and_rethrows_the_original_error()
    {
        var log = new Log();
        var boom = new InvalidOperationException("boom");
        var runner = new PipelineRunner<Log>(
            [new Step("a"), new Step("skipped", run: false), new Step("b", fail: boom), new Step("never")],
            new RecordingProgress());

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(log, CancellationToken.None));

        Assert.Same(boom, thrown);
        Assert.Equal(["run a", "run b", "recover b (token cancelled: False)", "recover a (token cancelled: False)"], log.Entries);
    }

    [Fact]
    public async Task Cancellation_recovers_with_a_live_token_so_clean_up_can_finish()
    {
        var log = new Log();
        using var cts = new CancellationTokenSource();
        var runner = new PipelineRunner<Log>(
            [new Step("a"), new Step("slow", body: async ct => { await cts.CancelAsync(); await Task.Delay(Timeout.Infinite, ct); })],
            new RecordingProgress());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(log, cts.Token));

        Assert.Equal(["run a", "run slow", "recover slow (token cancelled: False)", "recover a (token cancelled: False)"], log.Entries);
    }

    [Fact]
    public async Task A_failed_recovery_is_reported_and_does_not_hide_the_original_error_or_stop_other_recoveries()
    {
        var log = new Log();
        var progress = new RecordingProgress();
        var runner = new PipelineRunner<Log>(
            [new Step("a"), new Step("b", failRecovery: new IOException("umount busy")), new Step("c", fail: new TimeoutException("no ssh"))],
            progress);

        await Assert.ThrowsAsync<TimeoutException>(() => runner.RunAsync(log, CancellationToken.None));

        Assert.Contains("recover a (token cancelled: False)", log.Entries);
        Assert.Contains(progress.Lines, l => l.Contains("clean-up after a failed 'b' did not finish: umount busy", StringComparison.Ordinal));
    }
}
