using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Tests.Configuration;

/// <summary>A catalog of fake plugins whose validation returns scripted issues and records what it was asked.</summary>
internal sealed class FakeCatalog(IEnumerable<FakeDistro> distros, IEnumerable<FakeProvider> providers) : IPluginCatalog
{
    private readonly Dictionary<string, FakeDistro> _distros = distros.ToDictionary(d => d.Name);
    private readonly Dictionary<string, FakeProvider> _providers = providers.ToDictionary(p => p.Name);

    public IReadOnlyList<string> DistroNames => [.. _distros.Keys.Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> ProviderNames => [.. _providers.Keys.Order(StringComparer.Ordinal)];

    public IDistro GetDistro(string name) => _distros[name];

    public IProvider GetProvider(string name) => _providers[name];
}

internal sealed class FakeDistro(string name, params SpecIssue[] issues) : IDistro
{
    public List<DistroSpec> Validated { get; } = [];

    public string Name => name;

    public string Description => "fake distro";

    public IReadOnlyList<string> MissingCapabilities => [];

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken)
    {
        Validated.Add(spec);
        return Task.FromResult<IReadOnlyList<SpecIssue>>(issues);
    }

    public BaseSpec DescribeBase(DistroSpec spec) => throw new NotSupportedException();

    public InitramfsHints DescribeInitramfs(DistroSpec spec) => throw new NotSupportedException();

    public Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();
}

internal sealed class FakeProvider(string name, params SpecIssue[] issues) : IProvider
{
    public List<MachineSpec> Validated { get; } = [];

    public string Name => name;

    public string Description => "fake provider";

    public IReadOnlyList<string> MissingCapabilities => [];

    public ProviderCapabilities Capabilities => new([ShareTransport.VirtioFs, ShareTransport.NineP], UdpPorts: true);

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken)
    {
        Validated.Add(machine);
        return Task.FromResult<IReadOnlyList<SpecIssue>>(issues);
    }

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();
}
