using System.Net;
using Diskless.Abstractions;

namespace Diskless.Abstractions.Tests;

public sealed class GuestNetworkTests
{
    [Theory]
    [InlineData(24, "255.255.255.0")]
    [InlineData(16, "255.255.0.0")]
    [InlineData(30, "255.255.255.252")]
    [InlineData(32, "255.255.255.255")]
    [InlineData(0, "0.0.0.0")]
    public void The_prefix_is_written_as_the_netmask_the_kernels_ip_parameter_takes(int prefix, string netmask)
    {
        var address = new StaticAddress(IPAddress.Parse("10.0.2.15"), prefix, IPAddress.Parse("10.0.2.2"));

        Assert.Equal(netmask, address.Netmask.ToString());
    }

    [Fact]
    public void An_ipv6_address_or_a_prefix_beyond_32_has_no_ipv4_netmask()
    {
        Assert.Throws<InvalidOperationException>(() => new StaticAddress(IPAddress.Parse("fd00::15"), 64, IPAddress.Parse("fd00::2")).Netmask);
        Assert.Throws<InvalidOperationException>(() => new StaticAddress(IPAddress.Parse("10.0.2.15"), 33, IPAddress.Parse("10.0.2.2")).Netmask);
    }

    [Fact]
    public void Dhcp_has_no_fixed_address_and_keeps_the_nameservers_given()
    {
        var network = GuestNetwork.Dhcp(IPAddress.Parse("192.168.122.1"));

        Assert.Null(network.Static);
        Assert.Equal([IPAddress.Parse("192.168.122.1")], network.Nameservers);
    }
}
