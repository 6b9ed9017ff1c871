using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;

namespace Diskless.Cli.Tests.Pipeline;

public sealed class HaltCrashedTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Halt_of_a_crashed_machine_clears_what_the_crash_left_so_it_reads_stopped()
    {
        await _sandbox.CreatedMachineAsync();
        _sandbox.Provider.Running = true;
        _sandbox.Provider.RunningState = MachineState.Crashed;

        var exitCode = await HaltHandler.RunAsync(_sandbox.Services(), null, force: false, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Equal(["stop force=True"], _sandbox.Provider.Calls);
        Assert.False(_sandbox.Provider.Running);
        Assert.Contains("info: Machine 'dev' had crashed; what it left is cleared, and it is stopped.", _sandbox.Progress.Lines);
    }

    [Fact]
    public async Task Halt_of_a_stopped_machine_stops_nothing()
    {
        await _sandbox.CreatedMachineAsync();

        await HaltHandler.RunAsync(_sandbox.Services(), null, force: false, CancellationToken.None);

        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Contains("info: Machine 'dev' is not running.", _sandbox.Progress.Lines);
    }
}
