using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>A machine's state from <c>virsh domstate --reason</c>, with the domain's name for virsh and virt-manager.</summary>
internal static class DomainStatusReader
{
    public static async Task<MachineStatus> ReadAsync(Virsh virsh, DomainHandle handle, MachineHandle machine, CancellationToken cancellationToken)
    {
        var name = handle.Identity.Name;
        var result = await virsh.TryRunAsync("read the domain's state", cancellationToken, "domstate", name, "--reason").ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            // The machine exists (its root and state do); its domain is defined again at the next up.
            return new MachineStatus(MachineState.Stopped, $"no libvirt domain {name} is defined on {virsh.Uri}", null, name);
        }

        var said = result.StandardOutput.Trim();
        var state = DomainState.Parse(said);
        var failure = await BootDiagnostics.ReadAsync(machine, cancellationToken).ConfigureAwait(false);
        var detail = $"domain {name} on {virsh.Uri}: {said}";
        return state == MachineState.Crashed
            ? new MachineStatus(
                state,
                BootDiagnostics.Describe(detail, failure),
                await LogTail.ReadAsync(machine.ConsoleLogPath, BootDiagnostics.TailLines, cancellationToken).ConfigureAwait(false),
                name,
                failure)
            : new MachineStatus(state, detail, null, name, failure);
    }
}
