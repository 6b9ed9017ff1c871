using System.Net;
using System.Net.Sockets;

namespace Diskless.Abstractions;

/// <summary>
/// How a provider wires the guest's one network interface. A provider whose network always hands the guest the
/// same address (QEMU's user-mode network) says so, and the distro configures it at boot instead of waiting for
/// a DHCP client: under emulation that wait is seconds of every boot.
/// </summary>
/// <param name="Static">The fixed address, or null when the guest must ask DHCP.</param>
/// <param name="Nameservers">DNS servers for the guest's resolv.conf; empty leaves DNS to DHCP.</param>
public sealed record GuestNetwork(StaticAddress? Static, IReadOnlyList<IPAddress> Nameservers)
{
    /// <summary>The guest asks DHCP for its address.</summary>
    public static GuestNetwork Dhcp(params IPAddress[] nameservers) => new(null, nameservers);
}

/// <summary>A fixed IPv4 configuration: address, prefix and default gateway.</summary>
/// <param name="Address">The guest's address.</param>
/// <param name="PrefixLength">The network's prefix length (24 for a /24).</param>
/// <param name="Gateway">The default route.</param>
public sealed record StaticAddress(IPAddress Address, int PrefixLength, IPAddress Gateway)
{
    /// <summary>The prefix as a dotted netmask ("255.255.255.0"), the form the kernel's ip= parameter takes.</summary>
    public IPAddress Netmask
    {
        get
        {
            if (Address.AddressFamily != AddressFamily.InterNetwork || PrefixLength is < 0 or > 32)
            {
                throw new InvalidOperationException($"{Address}/{PrefixLength} is not an IPv4 network.");
            }

            var bits = PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);
            return new IPAddress([(byte)(bits >> 24), (byte)(bits >> 16), (byte)(bits >> 8), (byte)bits]);
        }
    }
}
