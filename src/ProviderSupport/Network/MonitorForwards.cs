using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// The human-monitor commands that change a running QEMU's user-network forwards (<c>hostfwd_add</c>,
/// <c>hostfwd_remove</c>), and what their replies mean. HMP answers a failure with text, not an error: an empty
/// reply is success. Both QEMU providers send these (QMP's <c>human-monitor-command</c>, <c>virsh qemu-monitor-command --hmp</c>).
/// </summary>
public static class MonitorForwards
{
    /// <summary>The netdev id every machine's user network has (<see cref="UserNetwork.Netdev"/>'s id).</summary>
    public const string NetdevId = "net0";

    /// <summary><c>hostfwd_add net0 tcp:127.0.0.1:8080-:80</c>.</summary>
    public static string AddCommand(PortForward port, string netdevId = NetdevId)
    {
        ArgumentNullException.ThrowIfNull(port);
        return string.Create(CultureInfo.InvariantCulture, $"hostfwd_add {netdevId} {Protocol(port)}:{port.HostAddress}:{port.Host}-:{port.Guest}");
    }

    /// <summary><c>hostfwd_remove net0 tcp:127.0.0.1:8080</c>.</summary>
    public static string RemoveCommand(PortForward port, string netdevId = NetdevId)
    {
        ArgumentNullException.ThrowIfNull(port);
        return string.Create(CultureInfo.InvariantCulture, $"hostfwd_remove {netdevId} {Protocol(port)}:{port.HostAddress}:{port.Host}");
    }

    /// <summary>What a reply to <see cref="AddCommand"/> says.</summary>
    public static ForwardReply ReadAddReply(string reply) => Read(reply) switch
    {
        "" => ForwardReply.Done,
        // slirp could not bind the host side: the port is taken (QEMU 7.2 to 9: "Could not set up host forwarding rule '…'").
        var text when text.Contains("Could not set up host forwarding rule", StringComparison.OrdinalIgnoreCase) => ForwardReply.HostPortTaken,
        _ => ForwardReply.Refused,
    };

    /// <summary>What a reply to <see cref="RemoveCommand"/> says.</summary>
    public static ForwardReply ReadRemoveReply(string reply) => Read(reply) switch
    {
        // QEMU answers "host forwarding rule for tcp:127.0.0.1:8080 removed", or "… not found" (net/slirp.c).
        var text when text.EndsWith("removed", StringComparison.Ordinal) => ForwardReply.Done,
        var text when text.EndsWith("not found", StringComparison.Ordinal) => ForwardReply.NotFound,
        _ => ForwardReply.Refused,
    };

    private static string Read(string reply) => (reply ?? "").Trim();

    private static string Protocol(PortForward port) => port.Protocol.ToLowerInvariant() is "udp" ? "udp" : "tcp";
}

/// <summary>What QEMU's monitor said to a forward command.</summary>
public enum ForwardReply
{
    /// <summary>Done: the empty reply.</summary>
    Done,

    /// <summary>The host side could not be bound.</summary>
    HostPortTaken,

    /// <summary>Removing: no such forward.</summary>
    NotFound,

    /// <summary>Any other text: an error to show.</summary>
    Refused,
}
