using System.Text.Json;
using Diskless.Cli.Pipeline.Lifecycle;

namespace Diskless.Cli.Tests.Pipeline;

public sealed class StatusEndpointTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Status_shows_the_ssh_endpoint_the_provider_returned_and_the_providers_name_for_the_machine()
    {
        await _sandbox.CreatedMachineAsync(r => r with { SshHost = "192.168.122.45", SshPort = 22 });
        _sandbox.Provider.Running = true;
        _sandbox.Provider.VmName = "diskless-dev-0b7e4c";
        var json = new StringWriter();
        var text = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(json), null, json: true, CancellationToken.None);
        await StatusHandler.RunAsync(_sandbox.Services(text), null, json: false, CancellationToken.None);

        using var document = JsonDocument.Parse(json.ToString());
        var machine = document.RootElement.GetProperty("machines")[0];
        Assert.Equal("192.168.122.45", machine.GetProperty("ssh").GetProperty("host").GetString());
        Assert.Equal(22, machine.GetProperty("ssh").GetProperty("port").GetInt32());
        Assert.Equal("diskless-dev-0b7e4c", machine.GetProperty("vmName").GetString());
        Assert.Contains("(fakevm name diskless-dev-0b7e4c)", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("ssh diskless@192.168.122.45:22", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_from_before_providers_chose_the_host_is_reached_on_loopback()
    {
        await _sandbox.CreatedMachineAsync(r => r with { SshPort = 2222 });
        _sandbox.Provider.Running = true;
        var json = new StringWriter();

        await StatusHandler.RunAsync(_sandbox.Services(json), null, json: true, CancellationToken.None);

        using var document = JsonDocument.Parse(json.ToString());
        Assert.Equal("127.0.0.1", document.RootElement.GetProperty("machines")[0].GetProperty("ssh").GetProperty("host").GetString());
    }
}
