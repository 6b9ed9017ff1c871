using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>
/// What a machine asks of its provider that the provider says it cannot do (<see cref="ProviderCapabilities"/>): a
/// transport it cannot boot or mount, UDP forwards. Each problem points at the line that asks for it.
/// </summary>
public static class ProviderCapabilityCheck
{
    /// <summary>The problems, in no particular order (the validator sorts them); none when the provider can run the machine.</summary>
    public static IEnumerable<SpecIssue> Check(MachineSpec machine, IProvider provider)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(provider);
        var capabilities = provider.Capabilities;
        var supported = string.Join(" or ", capabilities.Transports.Select(Name));
        if (machine.Share.Transport is { } root && !capabilities.Transports.Contains(root))
        {
            // [share] carries no location of its own: the provider's name is what makes the transport impossible.
            yield return new SpecIssue(
                $"the {provider.Name} provider cannot boot a root over {Name(root)}",
                machine.Provider.Location,
                $"set [share] transport = \"{Name(capabilities.Transports[0])}\" (it supports {supported}), or choose another provider");
        }

        foreach (var folder in machine.SyncedFolders.Where(f => f.Transport is { } t && !capabilities.Transports.Contains(t)))
        {
            yield return new SpecIssue(
                $"the {provider.Name} provider cannot share a folder over {Name(folder.Transport!.Value)}",
                folder.Location,
                $"use transport = \"{Name(capabilities.Transports[0])}\" (it supports {supported})");
        }

        if (!capabilities.UdpPorts)
        {
            foreach (var port in machine.Ports.Where(p => p.Protocol == "udp"))
            {
                yield return new SpecIssue($"the {provider.Name} provider cannot forward UDP ports", port.Location, "forward TCP only (protocol = \"tcp\"), or choose another provider");
            }
        }
    }

    private static string Name(ShareTransport transport) => transport == ShareTransport.NineP ? "9p" : "virtiofs";
}
