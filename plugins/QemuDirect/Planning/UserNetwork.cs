using System.Net;
using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>
/// QEMU's user-mode network (slirp) as this provider sets it up: a private /24 behind NAT where QEMU is the gateway
/// and the DNS server. The same for every machine, so the guest gets a fixed address instead of a DHCP lease.
/// </summary>
public static class UserNetwork
{
    /// <summary>The network slirp emulates.</summary>
    public static readonly IPAddress Network = IPAddress.Parse("10.0.2.0");

    /// <summary>Its prefix length.</summary>
    public const int PrefixLength = 24;

    /// <summary>QEMU's own address in it: the guest's gateway.</summary>
    public static readonly IPAddress Gateway = IPAddress.Parse("10.0.2.2");

    /// <summary>QEMU's DNS forwarder.</summary>
    public static readonly IPAddress Nameserver = IPAddress.Parse("10.0.2.3");

    /// <summary>The guest's address: the first one slirp's DHCP would hand out, so tools that expect it find it.</summary>
    public static readonly IPAddress GuestAddress = IPAddress.Parse("10.0.2.15");

    /// <summary>The guest network every QEMU machine gets.</summary>
    public static GuestNetwork Describe() => new(new StaticAddress(GuestAddress, PrefixLength, Gateway), [Nameserver]);

    /// <summary>The -netdev option's addressing keys, spelled out so they cannot drift from <see cref="Describe"/>.</summary>
    public static string NetdevAddressing => $"net={Network}/{PrefixLength},host={Gateway},dns={Nameserver}";
}
