using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Starts a machine as a libvirt domain: defines it (again: its uuid is stable, so a changed machine updates it in
/// place), starts it, and on a libvirt network waits for its lease. A start that fails leaves nothing: the domain is
/// destroyed and undefined again.
/// </summary>
internal sealed class DomainLauncher(LibvirtHostProbe probe, LibvirtTimings timings, TimeProvider time)
{
    /// <summary>The name of the domain's XML in the machine's state folder (kept for people to read; virsh reads it to define).</summary>
    public const string DomainFileName = "domain.xml";

    public async Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken)
    {
        var settings = LibvirtSettings.Parse(plan.Provider);
        // QEMU runs as host root here: a guest's setuid file over 9p passthrough would be host root's.
        NinePSetuidRule.Require(plan.Shares);
        var features = await probe.ProbeAsync(plan.Provider, settings, host, cancellationToken).ConfigureAwait(false);
        var virsh = new Virsh(features.Virsh, settings.Uri, host.Commands);
        var filtered = DomainPlanner.HasVirtiofsSyncedFolder(plan) && features.Virtiofsd is { } virtiofsd
            ? await FilteredVirtiofsdFile.EnsureAsync(virtiofsd, host.Paths, cancellationToken).ConfigureAwait(false)
            : null;
        var model = DomainPlanner.Plan(plan, settings, features, filtered);

        if (settings.Network is null)
        {
            // QEMU (or passt) binds the forwards only when libvirt starts the domain, and a taken port then fails
            // with a terse "Could not set up host forwarding rule", or is not forwarded at all: checked before virsh.
            PortCheck.EnsureFree(plan);
        }

        var identity = DomainIdentity.For(plan.MachineName, plan.MachineId);
        var handle = new DomainHandle(identity, settings.Uri, settings.GracefulTimeout);
        await DomainOwnership.RequireOursOrAbsentAsync(virsh, identity, cancellationToken).ConfigureAwait(false);
        if (settings.Network is { } network)
        {
            await NetworkStarter.EnsureActiveAsync(virsh, network, host.Progress, cancellationToken).ConfigureAwait(false);
        }

        var xmlPath = Path.Combine(plan.StateDirectory, DomainFileName);
        await File.WriteAllTextAsync(xmlPath, DomainPlanner.Render(model, host.Templates), cancellationToken).ConfigureAwait(false);
        await virsh.RunAsync("define the domain", cancellationToken, "define", xmlPath).ConfigureAwait(false);
        try
        {
            await virsh.RunAsync("start the domain", cancellationToken, "start", identity.Name).ConfigureAwait(false);
            var ssh = settings.Network is { } leased
                ? new SshEndpoint(await new LeaseLookup(virsh, timings, time).WaitAsync(identity.Name, leased, host.Progress, cancellationToken).ConfigureAwait(false), 22)
                : UserNetwork.SshEndpoint(plan.SshHostPort);
            var machine = new MachineHandle(plan.MachineName, plan.MachineId, plan.StateDirectory, plan.RuntimeDirectory, plan.ConsoleLogPath, handle.ToData());
            return new RunningMachine(machine, ssh);
        }
        catch
        {
            // Nothing left behind: not a running domain, not a defined one (a later up defines it again anyway).
            await DomainRemover.RemoveAsync(virsh, identity, timings, time, host.Progress).ConfigureAwait(false);
            throw;
        }
    }
}
