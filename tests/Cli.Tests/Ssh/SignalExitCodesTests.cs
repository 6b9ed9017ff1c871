using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Ssh;

public class SignalExitCodesTests
{
    [Theory]
    [InlineData("KILL", 137)]
    [InlineData("TERM", 143)]
    [InlineData("SIGSEGV", 139)]
    [InlineData("INT", 130)]
    public void A_command_killed_by_a_signal_exits_like_it_would_in_a_shell(string signal, int expected)
    {
        Assert.Equal(expected, SignalExitCodes.For(signal));
    }

    [Fact]
    public void No_status_and_no_signal_is_reported_as_255_like_ssh_does()
    {
        Assert.Equal(255, SignalExitCodes.For(null));
        Assert.Equal(255, SignalExitCodes.For("WINCH-ish"));
    }
}
