using Diskless.Abstractions;

namespace Diskless.Fixtures.ThrowingPlugin;

/// <summary>A provider whose constructor fails, as a plugin with a broken dependency or setup would.</summary>
public sealed class ThrowingProvider : IProvider
{
    public ThrowingProvider() => throw new InvalidOperationException("the throwing fixture always fails to start");

    public string Name => "throwing";

    public string Description => "never constructed";

    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    public ProviderCapabilities Capabilities { get; } = new([], UdpPorts: false);

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();
}
