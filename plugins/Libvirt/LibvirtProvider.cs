using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>Boots the root folder as a libvirt domain (virsh), with virtiofs or 9p.</summary>
public sealed class LibvirtProvider : IProvider
{
    public string Name => "libvirt";

    public string Description => "Boots the root folder as a libvirt domain (virsh), with virtiofs or 9p.";

    public IReadOnlyList<string> MissingCapabilities { get; } = ["start: not implemented", "stop: not implemented", "status: not implemented"];

    public ProviderCapabilities Capabilities { get; } = new([ShareTransport.VirtioFs, ShareTransport.NineP], UdpPorts: true);

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpecIssue>>([]);

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) =>
        Task.FromResult(ShareTransport.NineP);

    public GuestNetwork DescribeNetwork(MachineSpec machine) => GuestNetwork.Dhcp();

    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) =>
        throw NotYet("start a machine");

    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) =>
        throw NotYet("report a machine's status");

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) =>
        throw NotYet("stop a machine");

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) =>
        throw NotYet("destroy a machine");

    private DisklessException NotYet(string what) =>
        new($"The {Name} provider plugin cannot {what} yet.", "Use provider name = \"qemu\" for now.", ExitCodes.NotAvailable);
}
