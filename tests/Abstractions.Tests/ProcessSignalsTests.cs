using Diskless.Testing;

namespace Diskless.Abstractions.Tests;

public sealed class ProcessSignalsTests
{
    [Fact]
    public async Task A_signal_is_a_kill_command_run_as_diskless_itself_never_through_sudo()
    {
        var runner = new RecordingCommandRunner();

        await runner.SignalAsync(42, ProcessSignal.Terminate, CancellationToken.None);
        await runner.SignalAsync(43, ProcessSignal.Kill, CancellationToken.None);
        await runner.SignalAsync(44, ProcessSignal.Interrupt, CancellationToken.None);

        Assert.Equal("kill -TERM 42\nkill -KILL 43\nkill -INT 44\n", runner.Transcript);
    }

    [Fact]
    public async Task A_process_already_gone_is_no_error_but_reports_false()
    {
        var runner = new RecordingCommandRunner().Fail("kill", 1, "kill: (42) - No such process");

        var delivered = await runner.SignalAsync(42, ProcessSignal.Terminate, CancellationToken.None);

        Assert.False(delivered);
    }
}
