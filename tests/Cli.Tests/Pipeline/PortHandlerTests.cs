using Diskless.Abstractions;
using Diskless.Cli.Agent.Ports;
using Diskless.Cli.Pipeline.Lifecycle;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary><c>diskless port add</c> on a running machine: what it did is said, a taken host port included.</summary>
public sealed class PortHandlerTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly FakeForwardingProvider _provider;

    public PortHandlerTests() => _provider = new FakeForwardingProvider(_sandbox.Provider);

    public void Dispose() => _sandbox.Dispose();

    private LifecycleServices Services(TextWriter output) => _sandbox.Services(_provider, _sandbox.Machine("dev"), output);

    [Fact(Timeout = 30_000)]
    public async Task A_taken_host_port_is_refused_with_what_holds_it_and_nothing_is_recorded_and_a_free_one_is_said_on_stdout()
    {
        var record = await _sandbox.CreatedMachineAsync();
        _sandbox.Provider.Running = true;
        _provider.Taken.Add(8080);
        using var output = new StringWriter();

        var refused = await Assert.ThrowsAsync<DisklessException>(() => PortHandler.AddAsync(Services(output), null, "8080:80", CancellationToken.None));
        var before = await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AddedFileName, record.Id, CancellationToken.None);
        await PortHandler.AddAsync(Services(output), null, "8081:80", CancellationToken.None);

        // The program prints an error and its hint on stderr and exits with its code.
        Assert.Equal("host port 127.0.0.1:8080/tcp is already in use.", refused.Message);
        Assert.Equal("Find the program holding it with: ss -ltnp 'sport = :8080'; or choose another host port.", refused.Hint);
        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Empty(before);
        Assert.Equal("Forwarded 127.0.0.1:8081 -> dev:80/tcp\n", output.ToString());
        Assert.Equal([new ActiveForward(8081, 80, "tcp")], await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AddedFileName, record.Id, CancellationToken.None));
        Assert.Equal(["add 127.0.0.1:8080 -> 80/tcp (taken)", "add 127.0.0.1:8081 -> 80/tcp"], _sandbox.Provider.Calls);
    }
}
