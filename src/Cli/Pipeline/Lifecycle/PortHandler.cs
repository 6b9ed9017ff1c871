using Diskless.Abstractions;
using Diskless.Cli.Agent.Ports;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless port add|remove</c>: changes a running machine's forwards without rebooting it, through its provider's
/// <see cref="IRuntimePortForwarding"/>; kept in <c>forwards-added.json</c> until the machine stops.
/// </summary>
internal static class PortHandler
{
    public static async Task<int> AddAsync(LifecycleServices services, string? machineName, string forward, CancellationToken cancellationToken)
    {
        var port = PortSpecText.ParseAdd(forward);
        var machine = services.SelectOne(machineName, "port add");
        await using var machineLock = await services.LockAsync(machine, "diskless port add", cancellationToken).ConfigureAwait(false);
        var (record, forwarding) = await RunningAsync(services, machine, cancellationToken).ConfigureAwait(false);
        var added = (await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AddedFileName, record.Id, cancellationToken).ConfigureAwait(false)).ToList();
        var auto = await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AutoFileName, record.Id, cancellationToken).ConfigureAwait(false);
        if (machine.Ports.Any(p => p.Protocol == port.Protocol && p.Host == port.Host)
            || added.Concat(auto).Any(f => f.Protocol == port.Protocol && f.Host == port.Host))
        {
            throw new DisklessException(
                $"host port {port.Host}/{port.Protocol} is already forwarded to machine '{machine.Name}'.",
                "`diskless status` shows its forwards; choose another host port.",
                ExitCodes.Failure);
        }

        if (!await forwarding.AddForwardAsync(record.ToHandle(), port, services.Host, cancellationToken).ConfigureAwait(false))
        {
            throw new DisklessException(
                $"host port {Loopback.Address}:{port.Host}/{port.Protocol} is already in use.",
                $"Find the program holding it with: ss -l{(port.Protocol == "udp" ? "u" : "t")}np 'sport = :{port.Host}'; or choose another host port.",
                ExitCodes.Failure);
        }

        added.Add(new ActiveForward(port.Host, port.Guest, port.Protocol));
        await ForwardsState.SaveAsync(record.StateDirectory, ForwardsState.AddedFileName, record.Id, added, cancellationToken).ConfigureAwait(false);
        await services.Out.WriteLineAsync($"Forwarded {Loopback.Address}:{port.Host} -> {machine.Name}:{port.Guest}/{port.Protocol}").ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> RemoveAsync(LifecycleServices services, string? machineName, string hostPort, CancellationToken cancellationToken)
    {
        var (host, protocol) = PortSpecText.ParseRemove(hostPort);
        var machine = services.SelectOne(machineName, "port remove");
        await using var machineLock = await services.LockAsync(machine, "diskless port remove", cancellationToken).ConfigureAwait(false);
        var (record, forwarding) = await RunningAsync(services, machine, cancellationToken).ConfigureAwait(false);
        var added = (await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AddedFileName, record.Id, cancellationToken).ConfigureAwait(false)).ToList();
        if (added.FirstOrDefault(f => f.Host == host && f.Protocol == protocol) is not { } forward)
        {
            var auto = await ForwardsState.LoadAsync(record.StateDirectory, ForwardsState.AutoFileName, record.Id, cancellationToken).ConfigureAwait(false);
            throw machine.Ports.FirstOrDefault(p => p.Host == host && p.Protocol == protocol) is { } fixedPort
                ? new DisklessException(
                    $"host port {host}/{protocol} is forwarded by the Disklessfile{(fixedPort.Location is { } at ? " (" + at + ")" : "")}.",
                    "Remove it from [[ports]] and run `diskless reload`: a change to the ports alone applies without a reboot.",
                    ExitCodes.Failure)
                : auto.Any(f => f.Host == host && f.Protocol == protocol)
                    ? new DisklessException(
                        $"host port {host}/{protocol} is forwarded automatically while the guest listens on it; it goes when the listener does.",
                        "Set auto_forward = false in the Disklessfile and run `diskless reload` to forward no listener automatically.",
                        ExitCodes.Failure)
                    : new DisklessException($"host port {host}/{protocol} is not forwarded to machine '{machine.Name}'.", "`diskless status` shows its forwards.", ExitCodes.Failure);
        }

        await forwarding.RemoveForwardAsync(record.ToHandle(), forward.ToPortForward(), services.Host, cancellationToken).ConfigureAwait(false);
        added.Remove(forward);
        await ForwardsState.SaveAsync(record.StateDirectory, ForwardsState.AddedFileName, record.Id, added, cancellationToken).ConfigureAwait(false);
        await services.Out.WriteLineAsync($"Removed {Loopback.Address}:{host}/{protocol}").ConfigureAwait(false);
        return 0;
    }

    private static async Task<(MachineRecord Record, IRuntimePortForwarding Forwarding)> RunningAsync(LifecycleServices services, MachineSpec machine, CancellationToken cancellationToken)
    {
        var record = await services.RequireRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        var provider = services.Plugins.GetProvider(record.Provider);
        var status = await provider.StatusAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false);
        if (status.State != MachineState.Running)
        {
            throw new DisklessException(
                $"Machine '{machine.Name}' is not running: a port added now would not outlive this command's answer.",
                "Add it to [[ports]] in the Disklessfile for every boot, or `diskless up` first.",
                ExitCodes.WrongMachineState);
        }

        return provider is IRuntimePortForwarding forwarding
            ? (record, forwarding)
            : throw CannotWhileRunning(record.Provider);
    }

    /// <summary>What a provider without <see cref="IRuntimePortForwarding"/> answers.</summary>
    public static DisklessException CannotWhileRunning(string provider) => new(
        $"the {provider} provider cannot change forwards while running; reload",
        "Put the port in [[ports]] in the Disklessfile and run `diskless reload`.",
        ExitCodes.NotAvailable);
}
