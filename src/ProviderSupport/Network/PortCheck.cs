using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Makes sure every host port QEMU will forward is free before starting it: QEMU would otherwise start and
/// fail with a terse "Could not set up host forwarding rule", or (for a port taken later) silently not forward.
/// </summary>
public static class PortCheck
{
    /// <summary>Throws a <see cref="DisklessException"/> naming the first port that is taken or listed twice.</summary>
    public static void EnsureFree(BootPlan plan)
    {
        var ssh = new PortForward(plan.SshHostPort, 22);
        var seen = new HashSet<(string, string, int)>();
        foreach (var port in plan.Ports.Prepend(ssh))
        {
            var isSsh = ReferenceEquals(port, ssh);
            var protocol = port.Protocol.ToLowerInvariant();
            if (!seen.Add((protocol, port.HostAddress, port.Host)))
            {
                throw new DisklessException(
                    $"{Where(port)}host port {port.HostAddress}:{port.Host}/{protocol} is forwarded twice.",
                    "Give each [[ports]] entry its own host port in the Disklessfile.",
                    ExitCodes.InvalidConfiguration);
            }

            if (!IsFree(protocol, port.HostAddress, port.Host))
            {
                throw new DisklessException(
                    isSsh
                        ? $"The SSH port {port.HostAddress}:{port.Host} chosen for machine '{plan.MachineName}' is already in use."
                        : $"{Where(port)}host port {port.HostAddress}:{port.Host}/{protocol} (forwarded to guest port {port.Guest}) is already in use.",
                    isSsh
                        ? $"Find the program holding it with: ss -ltnp 'sport = :{port.Host}'; or run the command again to pick another port."
                        : $"Find the program holding it with: ss -l{(protocol == "udp" ? "u" : "t")}np 'sport = :{port.Host}'; stop it, or change host = {port.Host} in [[ports]].",
                    ExitCodes.Failure);
            }
        }
    }

    /// <summary>True when a socket of <paramref name="protocol"/> can bind <paramref name="address"/>:<paramref name="port"/> now.</summary>
    public static bool IsFree(string protocol, string address, int port)
    {
        var ip = IPAddress.Parse(address);
        using var socket = protocol == "udp"
            ? new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(ip, port));
            if (protocol != "udp")
            {
                socket.Listen(1);
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Where(PortForward port) => port.Location is null ? "" : $"{port.Location}: ";
}
