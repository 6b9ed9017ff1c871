using System.Runtime.InteropServices;
using Diskless.Cli.Processes;

namespace Diskless.Cli.Tests.Processes;

/// <summary>The first Ctrl-C cancels and lets the clean-up run to its end; a second ends the process.</summary>
public sealed class InterruptsTests
{
    [Fact]
    public void The_first_interrupt_cancels_the_command_keeps_the_process_and_says_how_to_stop_at_once()
    {
        var error = new StringWriter();
        using var interrupts = Interrupts.Unregistered(error);
        var signal = new PosixSignalContext(PosixSignal.SIGINT);

        interrupts.Handle(signal);

        Assert.True(interrupts.Token.IsCancellationRequested);
        Assert.True(signal.Cancel);
        Assert.Equal("interrupted: cleaning up (Ctrl-C again to stop at once, leaving what is not yet cleaned up)\n", error.ToString());
    }

    [Fact]
    public void A_second_interrupt_is_left_to_the_runtime_which_ends_the_process()
    {
        var error = new StringWriter();
        using var interrupts = Interrupts.Unregistered(error);
        interrupts.Handle(new PosixSignalContext(PosixSignal.SIGTERM));
        var second = new PosixSignalContext(PosixSignal.SIGINT);

        interrupts.Handle(second);

        Assert.False(second.Cancel);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void No_interrupt_no_cancellation()
    {
        using var interrupts = Interrupts.Unregistered(TextWriter.Null);

        Assert.False(interrupts.Token.IsCancellationRequested);
    }
}
