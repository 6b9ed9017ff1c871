using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Agent.Ports;

/// <summary>The forward a person writes on the command line: <c>HOST:GUEST[/udp]</c> to add, <c>HOST[/udp]</c> to remove.</summary>
public static class PortSpecText
{
    /// <summary>Reads <c>8080:80</c>, <c>5353:53/udp</c>; throws a usage error naming the accepted forms otherwise.</summary>
    public static PortForward ParseAdd(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (ports, protocol) = SplitProtocol(text);
        var parts = ports.Split(':');
        return parts.Length == 2 && Port(parts[0]) is { } host && Port(parts[1]) is { } guest
            ? new PortForward(host, guest, protocol)
            : throw Usage(text, "HOST:GUEST[/udp], e.g. 8080:80 or 5353:53/udp");
    }

    /// <summary>Reads <c>8080</c>, <c>5353/udp</c>: the host side of a forward.</summary>
    public static (int Host, string Protocol) ParseRemove(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (port, protocol) = SplitProtocol(text);
        return Port(port) is { } host ? (host, protocol) : throw Usage(text, "HOST[/udp], e.g. 8080 or 5353/udp");
    }

    private static (string Ports, string Protocol) SplitProtocol(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (text, "tcp");
        }

        var protocol = text[(slash + 1)..].ToLowerInvariant();
        return protocol is "tcp" or "udp" ? (text[..slash], protocol) : throw Usage(text, "a protocol of tcp or udp after the slash");
    }

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    private static DisklessException Usage(string text, string expected) =>
        new($"'{text}' is not a port forward: expected {expected}", "ports are 1 to 65535", ExitCodes.Usage);
}
