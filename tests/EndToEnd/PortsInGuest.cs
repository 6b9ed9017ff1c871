using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Diskless.EndToEnd;

/// <summary>What a host sees of the guest's listeners: whether a forwarded port answers, and with what.</summary>
internal static class PortsInGuest
{
    /// <summary>The guest command that listens on <paramref name="port"/> (a transient unit; the base has no nc or python).</summary>
    public static string Listen(string unit, int port, string reply) =>
        $"sudo systemd-run --quiet --unit {unit} systemd-socket-activate -l {port} --inetd -a /bin/echo {reply}";

    /// <summary>Stops what <see cref="Listen"/> started.</summary>
    public static string StopListening(string unit) => $"sudo systemctl stop {unit}";

    /// <summary>What 127.0.0.1:<paramref name="port"/> replies; null when nothing answers with data (refused, or closed at once).</summary>
    public static async Task<string?> ReadAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            var line = await reader.ReadLineAsync(limit.Token);
            return string.IsNullOrEmpty(line) ? null : line;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Whether 127.0.0.1:<paramref name="port"/> refuses connections (nothing forwards it).</summary>
    public static async Task<bool> RefusedAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes; returns how long it took, or null.</summary>
    public static async Task<TimeSpan?> WithinAsync(TimeSpan within, Func<Task<bool>> condition)
    {
        var start = DateTime.UtcNow;
        while (DateTime.UtcNow - start < within)
        {
            if (await condition())
            {
                return DateTime.UtcNow - start;
            }

            await Task.Delay(200);
        }

        return null;
    }

    /// <summary>Two free loopback ports in a row, the first held by the listener returned (the test disposes it).</summary>
    public static (TcpListener Holder, int Port) HoldPortWithFreeNext()
    {
        for (var attempt = 0; ; attempt++)
        {
            var holder = new TcpListener(IPAddress.Loopback, 0);
            holder.Start();
            var port = ((IPEndPoint)holder.LocalEndpoint).Port;
            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                next.Stop();
                return (holder, port);
            }
            catch (SocketException) when (attempt < 50)
            {
                holder.Stop();
            }
        }
    }
}
