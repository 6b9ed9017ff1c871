using System.Globalization;

namespace Diskless.Cli.Agent.Ports;

/// <summary>A socket the guest listens on: TCP in state LISTEN, or UDP unconnected.</summary>
/// <param name="Protocol">"tcp" or "udp".</param>
/// <param name="Port">The guest port.</param>
/// <param name="Reachable">
/// Whether the user network can reach it: bound to any address or to the guest's own; a socket bound to the guest's
/// loopback is not (QEMU's forward arrives on the guest's network interface).
/// </param>
public sealed record GuestListener(string Protocol, int Port, bool Reachable);

/// <summary>
/// How the agent learns the guest's listeners: one long-running command over its SSH connection that reads
/// /proc/net/{tcp,tcp6[,udp,udp6]} once a second with one awk, and prints the listening ones only when they changed,
/// each set ended by a line ".". Nothing is installed in the guest; the command ends with the channel.
/// </summary>
public static class GuestListeners
{
    /// <summary>The end of one set of listeners.</summary>
    public const string EndOfSet = ".";

    /// <summary>Seconds between two reads in the guest: half the two-second bound on noticing a new listener.</summary>
    public const int IntervalSeconds = 1;

    /// <summary>The guest command: prints "tcp 00000000:1F90" lines (protocol, local address in /proc's hex), then ".".</summary>
    public static string Script(bool udp)
    {
        var files = udp ? "/proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6" : "/proc/net/tcp /proc/net/tcp6";
        // State 0A is TCP_LISTEN; 07 is TCP_CLOSE, which an unconnected UDP socket (a server's) has.
        const string Awk = "FNR>1{p=FILENAME; sub(/^.*\\//,\"\",p); sub(/6$/,\"\",p); if((p==\"tcp\"&&$4==\"0A\")||(p==\"udp\"&&$4==\"07\")) print p, $2}";
        return $"prev=; while :; do cur=$(awk '{Awk}' {files} 2>/dev/null | sort -u); " +
            $"if [ \"$cur\" != \"$prev\" ]; then printf '%s\\n{EndOfSet}\\n' \"$cur\"; prev=$cur; fi; sleep {IntervalSeconds}; done";
    }

    /// <summary>Reads one line ("tcp 0F02000A:1F90"); null for a blank or malformed one.</summary>
    public static GuestListener? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[0] is not ("tcp" or "udp"))
        {
            return null;
        }

        var colon = parts[1].LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(parts[1].AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        return new GuestListener(parts[0], port, Reachable(parts[1][..colon]));
    }

    // /proc writes IPv4 as 8 hex digits in host (little-endian) order, IPv6 as four such words.
    private static bool Reachable(string hex) => hex switch
    {
        "00000000" or "00000000000000000000000000000000" => true,
        { Length: 8 } => !hex.EndsWith("7F", StringComparison.OrdinalIgnoreCase),
        // ::1 is loopback; an IPv4-mapped loopback (::ffff:127.x) too; any other address is the guest's own.
        { Length: 32 } => hex != "00000000000000000000000001000000" && !(hex.StartsWith("0000000000000000FFFF0000", StringComparison.OrdinalIgnoreCase) && hex.EndsWith("7F", StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };
}
