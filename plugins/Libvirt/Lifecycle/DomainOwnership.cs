using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>Makes sure a domain of the machine's name is this machine's (its uuid), or absent, before diskless acts on it.</summary>
internal static class DomainOwnership
{
    /// <summary>True when the domain exists and is ours, false when absent; throws when another domain has the name.</summary>
    public static async Task<bool> RequireOursOrAbsentAsync(Virsh virsh, DomainIdentity identity, CancellationToken cancellationToken)
    {
        var result = await virsh.TryRunAsync("look up the domain", cancellationToken, "domuuid", identity.Name).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return false;
        }

        var uuid = result.StandardOutput.Trim();
        if (string.Equals(uuid, identity.UuidText, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        throw new DisklessException(
            $"a libvirt domain named {identity.Name} exists on {virsh.Uri} and is not this machine's (its uuid is {uuid}, this machine's {identity.UuidText}); diskless leaves it alone.",
            $"If it is a leftover, remove it: virsh -c {virsh.Uri} destroy {identity.Name}; virsh -c {virsh.Uri} undefine {identity.Name}",
            ExitCodes.WrongMachineState);
    }
}
