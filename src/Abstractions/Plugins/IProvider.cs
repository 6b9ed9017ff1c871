namespace Diskless.Abstractions;

/// <summary>A provider plugin: starts, inspects, stops and removes the virtual machine that boots a root folder.</summary>
public interface IProvider : IPlugin
{
    /// <summary>What the provider supports.</summary>
    ProviderCapabilities Capabilities { get; }

    /// <summary>Checks the provider's keys and the machine's needs against the provider; returns the problems, none when valid.</summary>
    Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken);

    /// <summary>The transport to use when the Disklessfile names none (virtiofs where virtiofsd exists, else 9p).</summary>
    Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken);

    /// <summary>
    /// How the guest's network interface is wired on this host: a fixed address the distro sets at boot, or DHCP. The
    /// answer may depend on what the host offers (libvirt: passt's DHCP where libvirt accepts passt); the start that
    /// follows wires the interface the same way.
    /// </summary>
    Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the machine and returns once the VM runs (not once SSH answers). On failure, or when cancelled,
    /// it leaves no process behind.
    /// </summary>
    Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken);

    /// <summary>The machine's state now.</summary>
    Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken);

    /// <summary>Powers the machine off (politely, then by force after the timeout); a stopped machine is left as it is.</summary>
    Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken);

    /// <summary>Removes what the provider made for the machine outside its folders (a libvirt domain, say); stops it first.</summary>
    Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken);
}

/// <summary>What a provider supports.</summary>
/// <param name="Transports">Share transports it can boot and mount.</param>
/// <param name="UdpPorts">Whether UDP port forwards work.</param>
/// <param name="UserNamespace">
/// Whether the provider runs machines inside their user namespace (see <see cref="IHostServices.Namespace"/>), so that
/// their roots belong to a subordinate id range and the guest's root is never host root. A provider whose VMs a
/// daemon starts (libvirt) cannot, and keeps host-owned roots.
/// </param>
/// <param name="HomeShare">
/// Whether the provider serves a virtiofs root's /home as a share of its own (<see cref="Share.HomeTag"/>,
/// <see cref="Share.PartOfRoot"/>), whose daemon's held descriptors the guest's kernel bounds: a big tree in the user's
/// home cannot exhaust the root's daemon. A provider whose daemon's arguments it does not choose (libvirt) does not.
/// </param>
public sealed record ProviderCapabilities(IReadOnlyList<ShareTransport> Transports, bool UdpPorts, bool UserNamespace = false, bool HomeShare = false);
