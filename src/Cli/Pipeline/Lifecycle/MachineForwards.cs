using Diskless.Abstractions;
using Diskless.Cli.Agent.Ports;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>One forward as <c>status</c> and <c>global-status</c> show it (their JSON's <c>ports</c>).</summary>
/// <param name="Origin">"disklessfile" ([[ports]]), "added" (<c>diskless port add</c>) or "auto" (a guest listener the agent forwards).</param>
/// <param name="Note">Why the host port differs from the guest's, when it does.</param>
internal sealed record PortReport(int Host, int Guest, string Protocol, string HostAddress, string Origin = "disklessfile", string? Note = null);

/// <summary>The forwards of a machine, one source for <c>status</c> and <c>global-status</c>.</summary>
internal static class MachineForwards
{
    /// <summary>
    /// What a running machine forwards: its <c>[[ports]]</c> as it has them (as it started, changed since by a reload of
    /// the ports alone; <paramref name="disklessfile"/>'s for a machine an earlier version started), then those
    /// <c>port add</c> made, then those the agent made for the guest's listeners (from the machine's state folder).
    /// </summary>
    public static async Task<IReadOnlyList<PortReport>> ActiveAsync(MachineRecord record, IReadOnlyList<PortForward>? disklessfile, CancellationToken cancellationToken)
    {
        var listed = await PortsOnlyReload.StartedPortsAsync(record, cancellationToken).ConfigureAwait(false) ?? disklessfile ?? [];
        return [.. Listed(listed),
            .. await ActiveAsync(record, ForwardsState.AddedFileName, "added", cancellationToken).ConfigureAwait(false),
            .. await ActiveAsync(record, ForwardsState.AutoFileName, "auto", cancellationToken).ConfigureAwait(false)];
    }

    /// <summary>The <c>[[ports]]</c> of a Disklessfile, as shown for a machine that does not run.</summary>
    public static IReadOnlyList<PortReport> Listed(IEnumerable<PortForward> ports) =>
        [.. ports.Select(p => new PortReport(p.Host, p.Guest, p.Protocol, p.HostAddress))];

    private static async Task<IReadOnlyList<PortReport>> ActiveAsync(MachineRecord record, string fileName, string origin, CancellationToken cancellationToken) =>
        [.. (await ForwardsState.LoadAsync(record.StateDirectory, fileName, record.Id, cancellationToken).ConfigureAwait(false))
            .Select(f => new PortReport(f.Host, f.Guest, f.Protocol, Loopback.Address, origin, f.Note))];
}
