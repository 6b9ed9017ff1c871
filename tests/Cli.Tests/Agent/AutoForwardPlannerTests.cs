using Diskless.Abstractions;
using Diskless.Cli.Agent.Ports;

namespace Diskless.Cli.Tests.Agent;

public sealed class AutoForwardPlannerTests
{
    private static readonly HashSet<(string, int)> None = [];

    [Fact]
    public void New_reachable_tcp_listeners_from_1024_up_are_added_lowest_first_and_gone_ones_removed()
    {
        var listeners = new[] { new GuestListener("tcp", 9000, true), new GuestListener("tcp", 3000, true), new GuestListener("tcp", 5432, false) };
        var current = new[] { new ActiveForward(3000, 3000, "tcp"), new ActiveForward(4001, 4000, "tcp") };

        var plan = AutoForwardPlanner.Plan(listeners, AutoForwardSpec.Default, None, current);

        Assert.Equal([("tcp", 9000)], plan.Add);
        Assert.Equal([new ActiveForward(4001, 4000, "tcp")], plan.Remove);
    }

    [Fact]
    public void Ssh_privileged_ports_udp_and_ports_forwarded_otherwise_are_left_alone_by_default()
    {
        var listeners = new[]
        {
            new GuestListener("tcp", 22, true), new GuestListener("tcp", 80, true), new GuestListener("udp", 5353, true), new GuestListener("tcp", 8080, true),
        };

        Assert.True(AutoForwardPlanner.Plan(listeners, AutoForwardSpec.Default, new HashSet<(string, int)> { ("tcp", 8080) }, []).IsEmpty);
        Assert.Equal([("tcp", 80), ("udp", 5353)], AutoForwardPlanner.Plan(listeners, new AutoForwardSpec(Udp: true, Privileged: true), new HashSet<(string, int)> { ("tcp", 8080) }, []).Add);
    }

    [Fact]
    public void Auto_forward_off_removes_everything_and_adds_nothing()
    {
        var plan = AutoForwardPlanner.Plan([new GuestListener("tcp", 8080, true)], new AutoForwardSpec(Tcp: false), None, [new ActiveForward(8080, 8080, "tcp")]);

        Assert.Empty(plan.Add);
        Assert.Single(plan.Remove);
    }

    [Theory]
    [InlineData("tcp 00000000:1F90", "tcp", 8080, true)]
    [InlineData("tcp 0F02000A:0BB8", "tcp", 3000, true)]
    [InlineData("tcp 0100007F:0BB8", "tcp", 3000, false)]
    [InlineData("tcp 00000000000000000000000000000000:1F90", "tcp", 8080, true)]
    [InlineData("tcp 00000000000000000000000001000000:1F90", "tcp", 8080, false)]
    [InlineData("udp 00000000:14E9", "udp", 5353, true)]
    public void Proc_net_lines_give_protocol_port_and_whether_the_user_network_reaches_them(string line, string protocol, int port, bool reachable) =>
        Assert.Equal(new GuestListener(protocol, port, reachable), GuestListeners.Parse(line));

    [Theory]
    [InlineData("")]
    [InlineData("raw 00000000:1F90")]
    [InlineData("tcp 00000000")]
    [InlineData("tcp 00000000:0000")]
    [InlineData("tcp 00000000:ZZZZ")]
    public void Malformed_lines_are_ignored(string line) => Assert.Null(GuestListeners.Parse(line));

    [Theory]
    [InlineData("8080:80", 8080, 80, "tcp")]
    [InlineData("5353:53/udp", 5353, 53, "udp")]
    [InlineData("9000:9000/TCP", 9000, 9000, "tcp")]
    public void Port_add_reads_host_guest_and_protocol(string text, int host, int guest, string protocol) =>
        Assert.Equal(new PortForward(host, guest, protocol), PortSpecText.ParseAdd(text));

    [Theory]
    [InlineData("8080")]
    [InlineData("0:80")]
    [InlineData("8080:70000")]
    [InlineData("8080:80/sctp")]
    [InlineData("a:b")]
    public void Port_add_refuses_what_is_not_a_forward_as_a_usage_error(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<DisklessException>(() => PortSpecText.ParseAdd(text)).ExitCode);
}
