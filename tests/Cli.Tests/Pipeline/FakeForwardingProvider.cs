using Diskless.Abstractions;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// <see cref="FakeProvider"/> that can also change a running machine's forwards; each change goes into the same
/// <see cref="FakeProvider.Calls"/> as starts and stops, so a test sees their order. Host ports in <see cref="Taken"/> cannot be bound.
/// </summary>
internal sealed class FakeForwardingProvider(FakeProvider inner) : IProvider, IRuntimePortForwarding
{
    public HashSet<int> Taken { get; } = [];

    public string Name => inner.Name;

    public string Description => inner.Description;

    public IReadOnlyList<string> MissingCapabilities => inner.MissingCapabilities;

    public ProviderCapabilities Capabilities => inner.Capabilities;

    public Task<bool> AddForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken)
    {
        var free = !Taken.Contains(port.Host);
        inner.Calls.Add($"add {port.HostAddress}:{port.Host} -> {port.Guest}/{port.Protocol}{(free ? "" : " (taken)")}");
        return Task.FromResult(free);
    }

    public Task<bool> RemoveForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken)
    {
        inner.Calls.Add($"remove {port.HostAddress}:{port.Host}/{port.Protocol}");
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken) => inner.ValidateAsync(machine, cancellationToken);

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) => inner.DefaultTransportAsync(host, cancellationToken);

    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) => inner.DescribeNetworkAsync(machine, host, cancellationToken);

    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) => inner.StartAsync(plan, host, cancellationToken);

    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => inner.StatusAsync(handle, host, cancellationToken);

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) => inner.StopAsync(handle, options, host, cancellationToken);

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => inner.DestroyAsync(handle, host, cancellationToken);
}
