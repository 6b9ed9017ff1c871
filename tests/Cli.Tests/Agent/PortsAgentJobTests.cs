using Diskless.Abstractions;
using Diskless.Cli.Agent;
using Diskless.Cli.Agent.Ports;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent;

public sealed class PortsAgentJobTests : IDisposable
{
    // /proc/net's hex: port 0x1F90 = 8080 on any address; 0x0050 = 80; 0x14E9 = 5353; 0x1F91 = 8081.
    private const string Tcp8080 = "tcp 00000000:1F90";
    private const string Tcp8080OnLoopback = "tcp 0100007F:1F90";
    private const string Tcp80 = "tcp 00000000:0050";
    private const string Udp5353 = "udp 00000000000000000000000000000000:14E9";

    private readonly PipelineSandbox _sandbox = new();
    private readonly StringWriter _log = new();
    private readonly FakeClock _clock = new();
    private readonly FakeGuestShell _guest = new();
    private readonly FakeForwarding _provider = new();
    private MachineRecord? _record;

    [Fact(Timeout = 30_000)]
    public async Task A_listener_that_appears_is_forwarded_from_the_same_port_and_removed_when_it_goes()
    {
        await using var job = await StartAsync(AutoForwardSpec.Default);

        _guest.Print(Tcp8080);
        await _provider.WhenCallsAsync(1);
        Assert.Equal(["add 127.0.0.1:8080 -> 8080/tcp"], _provider.Calls);
        // The state is written just after the change.
        await WaitForAsync(async () => (await AutoStateAsync()).Count == 1);
        Assert.Equal([new ActiveForward(8080, 8080, "tcp")], await AutoStateAsync());

        _guest.Print();
        await _provider.WhenCallsAsync(2);
        await WaitForAsync(() => Task.FromResult(Log.Contains("removed", StringComparison.Ordinal)));

        Assert.Equal("remove 127.0.0.1:8080/tcp", _provider.Calls[1]);
        Assert.Contains("ports: forwarded 127.0.0.1:8080 -> 8080/tcp", Log, StringComparison.Ordinal);
        Assert.Contains("ports: removed 127.0.0.1:8080 -> 8080/tcp: the guest stopped listening", Log, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_taken_host_port_moves_to_the_next_free_one_said_in_the_log_and_kept_for_status()
    {
        _provider.Taken.Add(("tcp", 8080));
        await using var job = await StartAsync(AutoForwardSpec.Default);

        _guest.Print(Tcp8080);
        await _provider.WhenCallsAsync(2);

        Assert.Equal(["add 127.0.0.1:8080 -> 8080/tcp (taken)", "add 127.0.0.1:8081 -> 8080/tcp"], _provider.Calls);
        await WaitForAsync(() => Task.FromResult(Log.Contains("forwarded", StringComparison.Ordinal)));
        Assert.Contains("forwarded 127.0.0.1:8081 -> 8080/tcp: host port 8080 is taken, so the next free one", Log, StringComparison.Ordinal);
        await WaitForAsync(async () => (await AutoStateAsync()).Count == 1);
        Assert.Equal([new ActiveForward(8081, 8080, "tcp", "host port 8080 was taken")], await AutoStateAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Udp_is_forwarded_only_when_asked_and_the_guest_command_reads_udp_only_then()
    {
        await using (var job = await StartAsync(AutoForwardSpec.Default))
        {
            _guest.Print(Udp5353, Tcp8080);
            await _provider.WhenCallsAsync(1);
            Assert.Equal(["add 127.0.0.1:8080 -> 8080/tcp"], _provider.Calls);
            Assert.DoesNotContain("/proc/net/udp", _guest.Commands[0], StringComparison.Ordinal);
        }

        _provider.Calls.Clear();
        await using (var job = await StartAsync(new AutoForwardSpec(Udp: true)))
        {
            _guest.Print(Udp5353);
            await _provider.WhenCallsAsync(1);
            Assert.Equal("add 127.0.0.1:5353 -> 5353/udp", _provider.Calls[0]);
            Assert.Contains("/proc/net/udp /proc/net/udp6", _guest.Commands[^1], StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Ports_below_1024_and_loopback_listeners_are_skipped_unless_privileged_ones_are_allowed()
    {
        await using (var job = await StartAsync(AutoForwardSpec.Default))
        {
            // Only the last set leads to a call: the privileged and the loopback-only listener are never forwarded.
            _guest.Print(Tcp80, Tcp8080OnLoopback);
            _guest.Print(Tcp80, Tcp8080OnLoopback, "tcp 00000000:1F91");
            await _provider.WhenCallsAsync(1);
            Assert.Equal(["add 127.0.0.1:8081 -> 8081/tcp"], _provider.Calls);
        }

        _provider.Calls.Clear();
        await using (var job = await StartAsync(new AutoForwardSpec(Privileged: true)))
        {
            _guest.Print(Tcp80);
            await _provider.WhenCallsAsync(1);
            Assert.Equal("add 127.0.0.1:80 -> 80/tcp", _provider.Calls[0]);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_guest_command_that_ends_runs_again_after_the_pause_on_the_clock_and_the_forwards_stay()
    {
        await using var job = await StartAsync(AutoForwardSpec.Default);
        _guest.Print(Tcp8080);
        await _provider.WhenCallsAsync(1);
        var restarted = WaitForAsync(() => Task.FromResult(_guest.Commands.Count == 2));

        _guest.EndCommand();
        await _clock.WhenTimerPendingAsync();
        Assert.Single(_guest.Commands);
        _clock.Advance(PortsAgentJob.RestartPause);
        await restarted;
        _guest.Print(Tcp8080);
        _guest.Print(Tcp8080, "tcp 00000000:1F91");
        await _provider.WhenCallsAsync(2);

        Assert.Equal(["add 127.0.0.1:8080 -> 8080/tcp", "add 127.0.0.1:8081 -> 8081/tcp"], _provider.Calls);
    }

    [Fact(Timeout = 30_000)]
    public async Task Ending_the_job_removes_its_forwards_and_forgets_them()
    {
        var job = await StartAsync(AutoForwardSpec.Default);
        _guest.Print(Tcp8080);
        await _provider.WhenCallsAsync(1);

        await job.DisposeAsync();

        Assert.Equal(["add 127.0.0.1:8080 -> 8080/tcp", "remove 127.0.0.1:8080/tcp"], _provider.Calls);
        Assert.False(File.Exists(Path.Combine(_record!.StateDirectory, ForwardsState.AutoFileName)));
    }

    [Fact(Timeout = 30_000)]
    public async Task What_it_forwards_moves_and_removes_is_told_to_up_s_terminal_too()
    {
        _provider.Taken.Add(("tcp", 8080));
        var terminal = new System.Text.StringBuilder();
        await using (var job = await StartAsync(AutoForwardSpec.Default, new AgentNotices(() => new StringWriter(terminal), "dev")))
        {
            _guest.Print(Tcp8080);
            await _provider.WhenCallsAsync(2);
            _guest.Print();
            await _provider.WhenCallsAsync(3);
            await WaitForAsync(() => Task.FromResult(Log.Contains("removed", StringComparison.Ordinal)));
        }

        Assert.Equal(
            "diskless (dev): forwarded 127.0.0.1:8081 -> 8080/tcp: host port 8080 is taken, so the next free one\r\n"
            + "diskless (dev): removed 127.0.0.1:8081 -> 8080/tcp: the guest stopped listening\r\n",
            terminal.ToString());
        Assert.DoesNotContain("guest:", terminal.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Its_state_is_written_once_it_has_looked_even_when_the_guest_listens_on_nothing()
    {
        await using var job = await StartAsync(AutoForwardSpec.Default);
        Assert.False(File.Exists(Path.Combine(Record().StateDirectory, ForwardsState.AutoFileName)));

        _guest.Print();
        await WaitForAsync(() => Task.FromResult(File.Exists(Path.Combine(Record().StateDirectory, ForwardsState.AutoFileName))));

        Assert.Empty(await AutoStateAsync());
        Assert.Empty(_provider.Calls);
    }

    [Fact]
    public void It_applies_only_with_auto_forward_on_and_a_provider_that_changes_forwards_while_running()
    {
        var job = new PortsAgentJob(_clock);
        var machine = new AgentMachine(_sandbox.State, Record(), _sandbox.Machine("dev"), _guest, _log) { Provider = _provider, Host = new FakeHostServices() };

        Assert.True(job.AppliesTo(machine));
        Assert.False(job.AppliesTo(machine with { Spec = machine.Spec with { AutoForward = new AutoForwardSpec(Tcp: false) } }));
        Assert.False(job.AppliesTo(machine with { Provider = new FakeProvider() }));
    }

    private string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private MachineRecord Record() => _record ??= _sandbox.CreatedMachineAsync().GetAwaiter().GetResult();

    private async Task<RunningJob> StartAsync(AutoForwardSpec spec, AgentNotices? notices = null)
    {
        var machine = new AgentMachine(_sandbox.State, Record(), _sandbox.Machine("dev") with { AutoForward = spec }, _guest, _log)
        {
            Provider = _provider,
            Host = new FakeHostServices(),
            Notices = notices ?? AgentNotices.None,
        };
        var stop = new CancellationTokenSource();
        var run = new PortsAgentJob(_clock).RunAsync(machine, stop.Token);
        await _guest.Started;
        return new RunningJob(run, stop);
    }

    private Task<IReadOnlyList<ActiveForward>> AutoStateAsync() =>
        ForwardsState.LoadAsync(Record().StateDirectory, ForwardsState.AutoFileName, Record().Id, CancellationToken.None);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        _sandbox.Dispose();
    }

    private sealed class RunningJob(Task run, CancellationTokenSource stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // The job ends by its token.
            }

            stop.Dispose();
        }
    }
}
