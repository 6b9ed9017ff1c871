using Diskless.Abstractions;

namespace Diskless.Cli.Agent.Ports;

/// <summary>A forward the agent made for a guest listener, or <c>diskless port add</c> made.</summary>
/// <param name="Host">The host port on 127.0.0.1.</param>
/// <param name="Guest">The guest port.</param>
/// <param name="Protocol">"tcp" or "udp".</param>
/// <param name="Note">Why the host port differs from the guest's, when it does ("8000 was taken").</param>
public sealed record ActiveForward(int Host, int Guest, string Protocol, string? Note = null)
{
    /// <summary>As the provider contract takes it.</summary>
    public PortForward ToPortForward() => new(Host, Guest, Protocol);
}

/// <summary>What to change so that the forwards follow the guest's listeners.</summary>
/// <param name="Add">Guest ports (protocol, port) to forward, lowest first.</param>
/// <param name="Remove">Forwards whose listener went.</param>
public sealed record AutoForwardPlan(IReadOnlyList<(string Protocol, int Guest)> Add, IReadOnlyList<ActiveForward> Remove)
{
    /// <summary>Whether nothing changes.</summary>
    public bool IsEmpty => Add.Count == 0 && Remove.Count == 0;
}

/// <summary>Decides which guest listeners are forwarded (pure: the agent's job applies what it decides).</summary>
public static class AutoForwardPlanner
{
    /// <summary>The lowest guest port forwarded unless <see cref="AutoForwardSpec.Privileged"/>.</summary>
    public const int FirstUnprivilegedPort = 1024;

    /// <summary>The guest's sshd: already forwarded, to the machine's SSH port.</summary>
    public const int SshPort = 22;

    /// <summary>
    /// The changes from <paramref name="current"/> to the forwards <paramref name="listeners"/> call for: reachable
    /// listeners, TCP (UDP only when <paramref name="spec"/> says so), from port 1024 up unless privileged ones are
    /// allowed, never the guest's SSH port nor one the Disklessfile or <c>port add</c> forwards already (<paramref name="taken"/>).
    /// </summary>
    public static AutoForwardPlan Plan(
        IEnumerable<GuestListener> listeners, AutoForwardSpec spec, IReadOnlySet<(string Protocol, int Guest)> taken, IReadOnlyList<ActiveForward> current)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentNullException.ThrowIfNull(current);
        var wanted = spec.Enabled
            ? listeners
                .Where(l => l.Reachable
                    && (l.Protocol == "tcp" || (l.Protocol == "udp" && spec.Udp))
                    && (l.Port >= FirstUnprivilegedPort || spec.Privileged)
                    && l.Port != SshPort
                    && !taken.Contains((l.Protocol, l.Port)))
                .Select(l => (l.Protocol, Guest: l.Port))
                .ToHashSet()
            : [];
        var have = current.Select(f => (f.Protocol, f.Guest)).ToHashSet();
        return new AutoForwardPlan(
            wanted.Where(w => !have.Contains(w)).OrderBy(w => w.Guest).ThenBy(w => w.Protocol, StringComparer.Ordinal).ToList(),
            current.Where(f => !wanted.Contains((f.Protocol, f.Guest))).ToList());
    }
}
