using System.Net;
using System.Net.Sockets;

namespace Diskless.Cli.Pipeline;

/// <summary>Picks a free TCP port on 127.0.0.1 for the SSH forward.</summary>
internal static class FreePort
{
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
