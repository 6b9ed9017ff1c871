using System.Net;
using Diskless.Abstractions;

namespace Diskless.Cli.Configuration.Toml;

/// <summary>Reads <c>[[ports]]</c>.</summary>
internal static class PortReader
{
    private static readonly string[] Keys = ["host", "guest", "protocol", "host_ip"];

    public static IReadOnlyList<PortForward> Read(TableReader machine, ReadContext context)
    {
        var ports = new List<PortForward>();
        // Keyed by "port/protocol", not a tuple: a dictionary of tuples is compiled at run time, on every command's start.
        var used = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var table in machine.Tables("ports") ?? [])
        {
            var reader = context.Reader(table);
            reader.RejectUnknown(Keys);
            var host = Port(reader, "host");
            var guest = Port(reader, "guest");
            var protocol = reader.Choice("protocol", "tcp", "udp")?.Value ?? "tcp";
            var hostIp = reader.String("host_ip");
            if (hostIp is { } ip && !IPAddress.TryParse(ip.Value, out _))
            {
                reader.Error($"'{ip.Value}' for 'host_ip'{table.Context} is not an IP address", ip.Location, $"use \"{Loopback.Address}\" (only this host) or \"0.0.0.0\" (every interface)");
            }

            if (host is { } h)
            {
                if (used.TryGetValue($"{h.Value}/{protocol}", out var first))
                {
                    reader.Error($"host port {h.Value}/{protocol} is already forwarded at {first}", h.Location, "forward each host port once");
                }
                else
                {
                    used[$"{h.Value}/{protocol}"] = h.Location;
                }
            }

            if (host is { } hp && guest is { } gp)
            {
                ports.Add(new PortForward((int)hp.Value, (int)gp.Value, protocol, hostIp?.Value ?? Loopback.Address, hp.Location));
            }
        }

        return ports;
    }

    private static Located<long>? Port(TableReader reader, string key)
    {
        var table = reader.Table;
        if (table.Get(key) is null)
        {
            reader.Error($"missing '{key}'{table.Context}", table.Location, $"add {key} = <port number>");
            return null;
        }

        var port = reader.Integer(key);
        if (port is { } p && (p.Value < 1 || p.Value > 65535))
        {
            reader.Error($"port {p.Value} for '{key}'{table.Context} is out of range", p.Location, "ports are 1 to 65535");
            return null;
        }

        return port;
    }
}
