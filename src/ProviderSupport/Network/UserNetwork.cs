using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// QEMU's user-mode network (slirp), as every provider that uses it sets it up: a private /24 behind NAT where QEMU
/// is the gateway and the DNS server. The same for every machine, so the guest gets a fixed address instead of a DHCP
/// lease. Both QEMU providers reach it here (qemu's command line, libvirt's &lt;qemu:commandline&gt;), so the address
/// the distro configures and the network QEMU emulates cannot drift apart.
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

    /// <summary>The guest network every machine on it gets.</summary>
    public static GuestNetwork Describe() => new(new StaticAddress(GuestAddress, PrefixLength, Gateway), [Nameserver]);

    /// <summary>The -netdev option's addressing keys, spelled out so they cannot drift from <see cref="Describe"/>.</summary>
    public static string NetdevAddressing => $"net={Network}/{PrefixLength},host={Gateway},dns={Nameserver}";

    /// <summary>
    /// The whole value of QEMU's <c>-netdev</c> option: the network with id <paramref name="id"/>, the guest's SSH
    /// forwarded from 127.0.0.1:<paramref name="sshHostPort"/>, and each of <paramref name="ports"/> from its host
    /// address.
    /// </summary>
    public static string Netdev(string id, int sshHostPort, IEnumerable<PortForward> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var netdev = $"user,id={id},{NetdevAddressing},hostfwd=tcp:{Loopback.Address}:{sshHostPort}-:22";
        foreach (var port in ports)
        {
            netdev += $",hostfwd={port.Protocol}:{port.HostAddress}:{port.Host}-:{port.Guest}";
        }

        return netdev;
    }

    /// <summary>Where the host reaches the guest's sshd: <see cref="Loopback.Address"/>, port <paramref name="sshHostPort"/> forwarded to its port 22.</summary>
    public static SshEndpoint SshEndpoint(int sshHostPort) => new(Loopback.Address, sshHostPort);

    /// <summary>What this network cannot forward, each at the port's line: a protocol other than tcp or udp, a host address that is not IPv4.</summary>
    public static IEnumerable<SpecIssue> PortIssues(IEnumerable<PortForward> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        foreach (var port in ports)
        {
            if (port.Protocol is not ("tcp" or "udp"))
            {
                yield return new SpecIssue($"protocol must be \"tcp\" or \"udp\", found \"{port.Protocol}\"", port.Location);
            }

            // QEMU 7.2's user networking forwards from IPv4 addresses only.
            if (!IPAddress.TryParse(port.HostAddress, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
            {
                yield return new SpecIssue($"host address must be an IPv4 address such as \"{Loopback.Address}\", found \"{port.HostAddress}\"", port.Location);
            }
        }
    }
}
