using Diskless.Cli.Agent;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Cli.Tests.Provisioning;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent;

public sealed class AgentRunnerTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly StringWriter _log = new();
    private readonly FakeClock _clock = new();

    [Fact(Timeout = 30_000)]
    public async Task Jobs_that_apply_run_side_by_side_until_the_machine_is_gone_and_the_others_never_start()
    {
        var ping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Each waits for the other: both finish their handshake only if they run at the same time.
        var first = new ScriptedJob("first", async ct => { ping.SetResult(); await pong.Task.WaitAsync(ct); await Task.Delay(Timeout.Infinite, ct); });
        var second = new ScriptedJob("second", async ct => { pong.SetResult(); await ping.Task.WaitAsync(ct); await Task.Delay(Timeout.Infinite, ct); });
        var skipped = new ScriptedJob("skipped", _ => Task.CompletedTask, applies: false);
        var checks = 0;

        var machineWent = await _clock.FastForwardAsync(new AgentRunner([first, second, skipped], _clock)
            .RunAsync(await MachineAsync(), _ => Task.FromResult(++checks < 3), CancellationToken.None));

        Assert.True(machineWent);
        Assert.Equal(3, checks);
        Assert.Equal(3 * AgentRunner.CheckInterval, _clock.Elapsed);
        Assert.True(ping.Task.IsCompleted && pong.Task.IsCompleted);
        Assert.True(first.Cancelled && second.Cancelled);
        Assert.False(skipped.Ran);
        var log = _log.ToString();
        Assert.Contains("jobs: first, second\n", log, StringComparison.Ordinal);
        Assert.Contains("the machine is no longer running", log, StringComparison.Ordinal);
        Assert.Contains("job first: stopped", log, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_job_that_fails_ends_alone_and_the_others_keep_running()
    {
        var failing = new ScriptedJob("failing", _ => throw new InvalidOperationException("guest said no"));
        var steady = new ScriptedJob("steady", ct => Task.Delay(Timeout.Infinite, ct));
        var checks = 0;

        var machineWent = await _clock.FastForwardAsync(new AgentRunner([failing, steady], _clock)
            .RunAsync(await MachineAsync(), _ => Task.FromResult(++checks < 5), CancellationToken.None));

        Assert.True(machineWent);
        Assert.Equal(5, checks);
        Assert.True(steady.Cancelled);
        Assert.Contains("job failing: failed: InvalidOperationException: guest said no", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Told_to_stop_it_ends_every_job_and_says_the_machine_did_not_go()
    {
        var steady = new ScriptedJob("steady", ct => Task.Delay(Timeout.Infinite, ct));
        using var stop = new CancellationTokenSource();
        var checks = 0;

        var run = new AgentRunner([steady], _clock).RunAsync(await MachineAsync(), _ =>
        {
            if (++checks == 2)
            {
                stop.Cancel();
            }

            return Task.FromResult(true);
        }, stop.Token);
        var machineWent = await _clock.FastForwardAsync(run);

        Assert.False(machineWent);
        Assert.True(steady.Cancelled);
        Assert.Contains("told to stop", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_machine_check_that_throws_counts_as_gone()
    {
        var steady = new ScriptedJob("steady", ct => Task.Delay(Timeout.Infinite, ct));

        var machineWent = await _clock.FastForwardAsync(new AgentRunner([steady], _clock)
            .RunAsync(await MachineAsync(), _ => throw new IOException("no pid file"), CancellationToken.None));

        Assert.True(machineWent);
        Assert.Contains("cannot tell whether the machine runs: no pid file", _log.ToString(), StringComparison.Ordinal);
    }

    private async Task<AgentMachine> MachineAsync()
    {
        var record = await _sandbox.CreatedMachineAsync();
        return new AgentMachine(_sandbox.State, record, _sandbox.Machine("dev"), new FakeSshSession(), _log);
    }

    public void Dispose()
    {
        _log.Dispose();
        _sandbox.Dispose();
    }

    private sealed class ScriptedJob(string name, Func<CancellationToken, Task> run, bool applies = true) : IMachineAgentJob
    {
        public string Name => name;

        public bool Ran { get; private set; }

        public bool Cancelled { get; private set; }

        public bool AppliesTo(AgentMachine machine) => applies;

        public async Task RunAsync(AgentMachine machine, CancellationToken cancellationToken)
        {
            Ran = true;
            try
            {
                await run(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
        }
    }
}
