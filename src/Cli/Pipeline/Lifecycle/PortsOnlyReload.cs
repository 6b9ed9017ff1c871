using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// A <c>reload</c> whose only change is <c>[[ports]]</c>: applied to the running machine through its provider's
/// <see cref="IRuntimePortForwarding"/>, without a reboot. What the machine was started with is kept as
/// <c>started-as.json</c> (the <c>validate --json</c> shape) in its state folder, which only the host writes.
/// </summary>
internal static class PortsOnlyReload
{
    /// <summary>The file's name in the machine's state folder.</summary>
    public const string FileName = "started-as.json";

    /// <summary>Remembers <paramref name="machine"/> as what the running machine was started with.</summary>
    public static Task RememberAsync(MachineRecord record, MachineSpec machine, CancellationToken cancellationToken) =>
        RememberAsync(record, StartedAs.Of(machine), cancellationToken);

    /// <summary>
    /// The <c>[[ports]]</c> the running machine <paramref name="record"/> has: those it was started with, as a
    /// ports-only reload changed them since. Null when not known (started by an earlier version, or the file is damaged).
    /// </summary>
    public static async Task<IReadOnlyList<PortForward>?> StartedPortsAsync(MachineRecord record, CancellationToken cancellationToken) =>
        (await LoadAsync(record, cancellationToken).ConfigureAwait(false))?.Ports();

    /// <summary>
    /// Applies the new <c>[[ports]]</c> of <paramref name="machine"/> when it runs, its provider can, and nothing else
    /// changed since it started; returns false (and changes nothing) otherwise, for a full reload.
    /// </summary>
    public static async Task<bool> TryAsync(LifecycleServices services, MachineSpec machine, CancellationToken cancellationToken)
    {
        var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        if (record is not { SetupComplete: true } || !File.Exists(Path.Combine(record.StateDirectory, FileName)))
        {
            return false;
        }

        var provider = services.Plugins.GetProvider(record.Provider);
        if (provider is not IRuntimePortForwarding forwarding
            || (await provider.StatusAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false)).State != MachineState.Running)
        {
            return false;
        }

        var started = await LoadAsync(record, cancellationToken).ConfigureAwait(false);
        var now = StartedAs.Of(machine);
        var before = started?.Ports().ToHashSet() ?? [];
        var after = machine.Ports.Select(p => p with { Location = null }).ToHashSet();
        if (started is null || before.SetEquals(after) || Text(started.WithPorts([])) != Text(now.WithPorts([])))
        {
            // Nothing changed (a reload is then the reboot asked for), or more than the ports did.
            return false;
        }

        int? agent = null;
        using (services.Host.Progress.BeginStage($"Changing the forwards of {machine.Name} (only [[ports]] changed: no reboot)"))
        {
            // The agent stops first: a port it forwards because the guest listens on it (given back as it stops) may be
            // the host port the new list names. It starts again after, and learns the new list from the Disklessfile.
            await Agent.MachineAgents.StopAsync(services.Host, record, cancellationToken).ConfigureAwait(false);
            var applied = new List<PortForward>(started.Ports());
            try
            {
                foreach (var gone in before.Except(after))
                {
                    await forwarding.RemoveForwardAsync(record.ToHandle(), gone, services.Host, cancellationToken).ConfigureAwait(false);
                    applied.Remove(gone);
                }

                foreach (var added in after.Except(before))
                {
                    if (!await forwarding.AddForwardAsync(record.ToHandle(), added, services.Host, cancellationToken).ConfigureAwait(false))
                    {
                        throw new DisklessException(
                            $"host port {added.HostAddress}:{added.Host}/{added.Protocol} is already in use; the machine keeps running with the other forwards.",
                            $"Find the program holding it with: ss -l{(added.Protocol == "udp" ? "u" : "t")}np 'sport = :{added.Host}'; then `diskless reload` again.",
                            ExitCodes.Failure);
                    }

                    applied.Add(added);
                }
            }
            finally
            {
                // What the machine has now, even after a failure: `reload` again then changes only what is left to change.
                await RememberAsync(record, now.WithPorts(applied), CancellationToken.None).ConfigureAwait(false);
                agent = await services.Agents.EnsureStartedAsync(services.Host, machine, record, CancellationToken.None).ConfigureAwait(false);
            }
        }

        services.Host.Progress.Info($"Machine '{machine.Name}' runs with the new [[ports]]; it was not rebooted.");
        await MovedForwards.ReportAsync(services, machine, record, agent, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Task RememberAsync(MachineRecord record, StartedAs started, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(record.StateDirectory, FileName), Text(started), cancellationToken);

    private static async Task<StartedAs?> LoadAsync(MachineRecord record, CancellationToken cancellationToken)
    {
        var path = Path.Combine(record.StateDirectory, FileName);
        try
        {
            return File.Exists(path)
                ? JsonSerializer.Deserialize<StartedAs>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), JsonState.Options)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Text(StartedAs started) => JsonSerializer.Serialize(started, JsonState.Options);

    /// <summary>What a machine was started with: its <c>validate --json</c> view and what that view leaves out.</summary>
    private sealed record StartedAs(MachineView View, long? SizeBytes, AutoForwardSpec AutoForward)
    {
        public static StartedAs Of(MachineSpec machine) => new(MachineView.From(machine), machine.SizeBytes, machine.AutoForward);

        public IReadOnlyList<PortForward> Ports() => [.. View.Ports.Select(p => new PortForward(p.Host, p.Guest, p.Protocol, p.HostAddress))];

        public StartedAs WithPorts(IEnumerable<PortForward> ports) =>
            this with { View = View with { Ports = [.. ports.Select(p => new PortView(p.Host, p.Guest, p.Protocol, p.HostAddress))] } };
    }
}
