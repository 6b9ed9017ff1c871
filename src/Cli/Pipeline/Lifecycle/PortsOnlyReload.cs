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
    private const string FileName = "started-as.json";

    /// <summary>Remembers <paramref name="machine"/> as what the running machine was started with.</summary>
    public static Task RememberAsync(MachineRecord record, MachineSpec machine, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(record.StateDirectory, FileName), Text(machine), cancellationToken);

    /// <summary>
    /// Applies the new <c>[[ports]]</c> of <paramref name="machine"/> when it runs, its provider can, and nothing else
    /// changed since it started; returns false (and changes nothing) otherwise, for a full reload.
    /// </summary>
    public static async Task<bool> TryAsync(LifecycleServices services, MachineSpec machine, CancellationToken cancellationToken)
    {
        var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
        var path = record is null ? null : Path.Combine(record.StateDirectory, FileName);
        if (record is not { SetupComplete: true } || !File.Exists(path))
        {
            return false;
        }

        var provider = services.Plugins.GetProvider(record.Provider);
        if (provider is not IRuntimePortForwarding forwarding
            || (await provider.StatusAsync(record.ToHandle(), services.Host, cancellationToken).ConfigureAwait(false)).State != MachineState.Running)
        {
            return false;
        }

        StartedAs? started;
        try
        {
            started = JsonSerializer.Deserialize<StartedAs>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), JsonState.Options);
        }
        catch (JsonException)
        {
            return false;
        }

        var now = StartedAs.Of(machine);
        var before = started?.View.Ports.Select(p => new PortForward(p.Host, p.Guest, p.Protocol, p.HostAddress)).ToHashSet() ?? [];
        var after = machine.Ports.Select(p => p with { Location = null }).ToHashSet();
        if (started is null || before.SetEquals(after) || Text(started.WithoutPorts()) != Text(now.WithoutPorts()))
        {
            // Nothing changed (a reload is then the reboot asked for), or more than the ports did.
            return false;
        }
        using (services.Host.Progress.BeginStage($"Changing the forwards of {machine.Name} (only [[ports]] changed: no reboot)"))
        {
            foreach (var gone in before.Except(after))
            {
                await forwarding.RemoveForwardAsync(record.ToHandle(), gone, services.Host, cancellationToken).ConfigureAwait(false);
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
            }
        }

        await RememberAsync(record, machine, cancellationToken).ConfigureAwait(false);
        // The agent leaves the Disklessfile's ports alone: it learns the new ones from the file as it starts again.
        await Agent.MachineAgents.StopAsync(services.Host, record, cancellationToken).ConfigureAwait(false);
        await services.Agents.EnsureStartedAsync(services.Host, machine, record, cancellationToken).ConfigureAwait(false);
        services.Host.Progress.Info($"Machine '{machine.Name}' runs with the new [[ports]]; it was not rebooted.");
        return true;
    }

    private static string Text(MachineSpec machine) => Text(StartedAs.Of(machine));

    private static string Text(StartedAs started) => JsonSerializer.Serialize(started, JsonState.Options);

    /// <summary>What a machine was started with: its <c>validate --json</c> view and what that view leaves out.</summary>
    private sealed record StartedAs(MachineView View, long? SizeBytes, AutoForwardSpec AutoForward)
    {
        public static StartedAs Of(MachineSpec machine) => new(MachineView.From(machine), machine.SizeBytes, machine.AutoForward);

        public StartedAs WithoutPorts() => this with { View = View with { Ports = [] } };
    }
}
