using Diskless.Abstractions;
using Diskless.Cli.Agent.Ports;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>The end of up and reload says on stderr each port the agent forwards from another host port than the guest's.</summary>
public sealed class MovedForwardsTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly FakeClock _clock = new();

    public void Dispose() => _sandbox.Dispose();

    private LifecycleServices Services(IProvider provider) => _sandbox.Services(provider, _sandbox.Machine("dev")) with { Time = _clock };

    private async Task<int> ReportAsync(IProvider provider, MachineRecord record, int? agent)
    {
        await MovedForwards.ReportAsync(Services(provider), _sandbox.Machine("dev"), record, agent, CancellationToken.None);
        return 0;
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_forward_moved_off_its_guest_port_is_one_plain_line_and_the_others_say_nothing()
    {
        var record = await _sandbox.CreatedMachineAsync();
        await ForwardsState.SaveAsync(record.StateDirectory, ForwardsState.AutoFileName, record.Id,
            [new ActiveForward(3000, 3000, "tcp"), new ActiveForward(8081, 8080, "tcp", "host port 8080 was taken"), new ActiveForward(5354, 5353, "udp", "host port 5353 was taken")],
            CancellationToken.None);

        await ReportAsync(new FakeForwardingProvider(_sandbox.Provider), record, agent: 4242);

        Assert.Equal(
            ["info: dev: guest port 8080/tcp is forwarded from 127.0.0.1:8081 (host port 8080 was taken)",
             "info: dev: guest port 5353/udp is forwarded from 127.0.0.1:5354 (host port 5353 was taken)"],
            _sandbox.Progress.Lines);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_an_agent_or_a_provider_that_forwards_while_running_nothing_is_said_or_waited_for()
    {
        var record = await _sandbox.CreatedMachineAsync();
        await ForwardsState.SaveAsync(record.StateDirectory, ForwardsState.AutoFileName, record.Id, [new ActiveForward(8081, 8080, "tcp")], CancellationToken.None);

        await ReportAsync(new FakeForwardingProvider(_sandbox.Provider), record, agent: null);
        await ReportAsync(_sandbox.Provider, record, agent: 4242);

        Assert.Empty(_sandbox.Progress.Lines);
        Assert.Equal(TimeSpan.Zero, _clock.Elapsed);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_agent_that_has_not_looked_yet_is_waited_for_a_bounded_time()
    {
        var record = await _sandbox.CreatedMachineAsync();

        await _clock.FastForwardAsync(ReportAsync(new FakeForwardingProvider(_sandbox.Provider), record, agent: 4242));

        Assert.Empty(_sandbox.Progress.Lines);
        Assert.InRange(_clock.Elapsed, MovedForwards.FirstLookWait, MovedForwards.FirstLookWait + TimeSpan.FromSeconds(1));
    }
}
