using Diskless.Cli.Agent;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent;

/// <summary>
/// The detached agent tells of what it forwards on up's terminal only: never on a pipe or a file, whose reader
/// (<c>$(diskless up)</c>, <c>diskless up | tee</c>) would wait for the agent to close it.
/// </summary>
public sealed class AgentTerminalTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData(true, "/dev/pts/4", "/dev/pts/4")]
    [InlineData(true, "/dev/tty2", "/dev/tty2")]
    [InlineData(true, "/dev/ttyS0", "/dev/ttyS0")]
    // What /proc/self/fd/2 names for a pipe, a socket, a file, /dev/null: none is a terminal.
    [InlineData(false, "pipe:[48213]", null)]
    [InlineData(false, "socket:[9120]", null)]
    [InlineData(false, "/tmp/up.log", null)]
    [InlineData(false, "/dev/null", null)]
    // isatty said no: whatever the path looks like, no terminal.
    [InlineData(false, "/dev/pts/4", null)]
    // isatty said yes of something that is no terminal's device path (/dev/tty is the caller's own, which the agent, in
    // its own session, does not have): no terminal.
    [InlineData(true, "/dev/tty", null)]
    [InlineData(true, "/tmp/pts/4", null)]
    [InlineData(true, "/dev/pts/../sda", null)]
    [InlineData(true, null, null)]
    public void Only_a_standard_error_that_is_a_terminal_device_is_given_to_the_agent(bool isTerminal, string? target, string? expected) =>
        Assert.Equal(expected, AgentTerminal.For(isTerminal, target));

    [Fact]
    public void What_is_not_a_terminal_device_is_not_opened()
    {
        Assert.Null(AgentTerminal.Open("/dev/null"));
        Assert.Null(AgentTerminal.Open(Path.Combine(_sandbox.Root, "not-a-terminal")));
        Assert.False(File.Exists(Path.Combine(_sandbox.Root, "not-a-terminal")));
    }

    [Theory]
    [InlineData("/dev/pts/9")]
    [InlineData(null)]
    public async Task The_agent_is_started_with_the_terminal_only_when_there_is_one_and_is_still_known_as_the_machines_agent(string? terminal)
    {
        var record = await _sandbox.CreatedMachineAsync();
        var host = new FakeHostServices(_sandbox.Paths.DataDirectory);
        var agents = new MachineAgents(() => ("/opt/diskless/diskless", []), () => terminal);

        var pid = await agents.EnsureStartedAsync(host, _sandbox.Machine("dev"), record, CancellationToken.None);

        Assert.NotNull(pid);
        var started = Assert.Single(host.Runner.Commands).Arguments;
        Assert.True(AgentCommandLine.Matches(started, record.Id));
        if (terminal is null)
        {
            Assert.DoesNotContain(AgentCommandLine.TerminalOption, started);
        }
        else
        {
            Assert.Equal(terminal, started[started.ToList().IndexOf(AgentCommandLine.TerminalOption) + 1]);
        }
    }

    [Fact]
    public void Each_notice_opens_the_terminal_and_closes_it_names_the_machine_ends_its_line_for_a_raw_terminal_too_and_they_stop_once_it_is_gone()
    {
        var opened = new List<ClosingWriter>();
        var gone = false;
        var notices = new AgentNotices(() => gone ? null : Add(opened, new ClosingWriter()), "dev");

        notices.Say("forwarded 127.0.0.1:8081 -> 8080/tcp: host port 8080 is taken, so the next free one");
        notices.Say("removed 127.0.0.1:8081 -> 8080/tcp: the guest stopped listening");
        gone = true;
        notices.Say("the terminal closed before this one");
        gone = false;
        notices.Say("and this one is not tried");

        Assert.Equal(
            ["diskless (dev): forwarded 127.0.0.1:8081 -> 8080/tcp: host port 8080 is taken, so the next free one\r\n",
             "diskless (dev): removed 127.0.0.1:8081 -> 8080/tcp: the guest stopped listening\r\n"],
            opened.Select(w => w.ToString()));
        Assert.All(opened, w => Assert.True(w.Closed));
    }

    [Fact]
    public void A_device_that_is_no_terminal_or_is_gone_gives_no_opener()
    {
        Assert.Null(AgentTerminal.Opener("/dev/null"));
        Assert.Null(AgentTerminal.Opener("/dev/pts/999999"));
    }

    private static ClosingWriter Add(List<ClosingWriter> opened, ClosingWriter writer)
    {
        opened.Add(writer);
        return writer;
    }

    private sealed class ClosingWriter : StringWriter
    {
        public bool Closed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Closed = true;
            base.Dispose(disposing);
        }
    }
}
