using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests;

public sealed class MonitorForwardsTests
{
    [Fact]
    public void The_commands_name_the_user_network_QEMU_was_started_with_and_bind_loopback()
    {
        Assert.Equal("hostfwd_add net0 tcp:127.0.0.1:8080-:80", MonitorForwards.AddCommand(new PortForward(8080, 80)));
        Assert.Equal("hostfwd_add net0 udp:127.0.0.1:5353-:53", MonitorForwards.AddCommand(new PortForward(5353, 53, "udp")));
        Assert.Equal("hostfwd_remove net0 tcp:127.0.0.1:8080", MonitorForwards.RemoveCommand(new PortForward(8080, 80)));
        // The -netdev QEMU starts with has the same id: a forward added later lands on the machine's one network.
        Assert.StartsWith($"user,id={MonitorForwards.NetdevId},", UserNetwork.Netdev(MonitorForwards.NetdevId, 2222, []), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", ForwardReply.Done)]
    [InlineData("\r\n", ForwardReply.Done)]
    [InlineData("Could not set up host forwarding rule 'tcp:127.0.0.1:8080-:80'\r\n", ForwardReply.HostPortTaken)]
    [InlineData("Invalid host forwarding rule 'tcp:x' (Bad host port)\r\n", ForwardReply.Refused)]
    public void An_add_reply_is_empty_on_success_and_names_a_taken_port(string reply, ForwardReply meaning) =>
        Assert.Equal(meaning, MonitorForwards.ReadAddReply(reply));

    [Theory]
    [InlineData("host forwarding rule for tcp:127.0.0.1:8080 removed\r\n", ForwardReply.Done)]
    [InlineData("host forwarding rule for tcp:127.0.0.1:8080 not found\r\n", ForwardReply.NotFound)]
    [InlineData("invalid format\r\n", ForwardReply.Refused)]
    public void A_remove_reply_says_removed_or_not_found(string reply, ForwardReply meaning) =>
        Assert.Equal(meaning, MonitorForwards.ReadRemoveReply(reply));
}
