using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>A distro that "builds" a base by writing a few files, and records what it was asked to do.</summary>
internal sealed class FakeDistro : IDistro
{
    public List<string> Calls { get; } = [];

    /// <summary>Every configure request, in order.</summary>
    public List<ConfigureRequest> Requests { get; } = [];

    public Exception? FailBuild { get; set; }

    public Exception? FailConfigure { get; set; }

    /// <summary>Called as configuring starts, to look at the host at that moment.</summary>
    public Action<ConfigureRequest>? OnConfigure { get; set; }

    /// <summary>The host services each build and configure was given, in order.</summary>
    public List<IHostServices> Hosts { get; } = [];

    public string Name => "fake";

    public string Description => "a test distro";

    public IReadOnlyList<string> MissingCapabilities => [];

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SpecIssue>>([]);

    public BaseSpec DescribeBase(DistroSpec spec) =>
        new("fake", spec.Release ?? "one", "http://mirror", "amd64", [.. spec.Packages], new Dictionary<string, string>());

    public InitramfsHints DescribeInitramfs(DistroSpec spec) => Initramfs;

    /// <summary>The hints the distro gives; the host hands them to the provider with the machine's handle.</summary>
    public InitramfsHints Initramfs { get; set; } = new("/etc/fake-modules", "sudo fake-rebuild");

    public async Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken)
    {
        Calls.Add("build " + spec.Release);
        Hosts.Add(host);
        Directory.CreateDirectory(Path.Combine(targetDirectory, "boot"));
        await File.WriteAllTextAsync(Path.Combine(targetDirectory, "boot", "vmlinuz"), "kernel", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(targetDirectory, "half-built"), "", cancellationToken);
        if (FailBuild is not null)
        {
            throw FailBuild;
        }
    }

    public Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        Hosts.Add(host);
        Calls.Add($"configure {request.Machine.Name} {string.Join(",", request.Shares.Select(s => $"{s.Tag}:{s.Transport}"))}");
        OnConfigure?.Invoke(request);
        if (FailConfigure is not null)
        {
            throw FailConfigure;
        }

        var kernel = request.Root.Resolve("/boot/vmlinuz");
        return Task.FromResult(new BootArtifacts(kernel, kernel, "root=rootfs"));
    }
}

/// <summary>A provider whose "VM" is a flag; it records starts and stops.</summary>
internal sealed class FakeProvider : IProvider
{
    public List<string> Calls { get; } = [];

    public bool Running { get; set; }

    /// <summary>What the provider reports while "running": Running, or Crashed to simulate a guest that died.</summary>
    public MachineState RunningState { get; set; } = MachineState.Running;

    /// <summary>Called as stopping starts, to look at the host at that moment.</summary>
    public Action<MachineHandle>? OnStop { get; set; }

    /// <summary>Called as destroying starts, to look at the host at that moment.</summary>
    public Action<MachineHandle>? OnDestroy { get; set; }

    /// <summary>Runs at the start of <see cref="StartAsync"/>, before the "VM" runs: what a test sees there is what QEMU would.</summary>
    public Action<BootPlan>? OnStart { get; set; }

    public string Name => "fakevm";

    public string Description => "a test provider";

    public IReadOnlyList<string> MissingCapabilities => [];

    public ProviderCapabilities Capabilities { get; set; } = new([ShareTransport.VirtioFs, ShareTransport.NineP], true);

    /// <summary>Where the provider says SSH answers; by default the forwarded loopback port it was offered.</summary>
    public Func<BootPlan, SshEndpoint> Endpoint { get; set; } = plan => new SshEndpoint("127.0.0.1", plan.SshHostPort);

    /// <summary>What the provider's own tools call the machine, reported by status.</summary>
    public string? VmName { get; set; }

    /// <summary>The host services each start was given, in order.</summary>
    public List<IHostServices> StartHosts { get; } = [];

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SpecIssue>>([]);

    /// <summary>What the provider says a share that names no transport takes (virtiofs where virtiofsd exists).</summary>
    public ShareTransport DefaultTransport { get; set; } = ShareTransport.NineP;

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) => Task.FromResult(DefaultTransport);

    /// <summary>The network the provider describes to configure.</summary>
    public GuestNetwork Network { get; set; } = GuestNetwork.Dhcp();

    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) => Task.FromResult(Network);

    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken)
    {
        StartHosts.Add(host);
        OnStart?.Invoke(plan);
        Calls.Add($"start {plan.MachineName} ssh={plan.SshHostPort > 0}");
        Running = true;
        var handle = new MachineHandle(plan.MachineName, plan.MachineId, plan.StateDirectory, plan.RuntimeDirectory, plan.ConsoleLogPath, new Dictionary<string, string> { ["pid"] = "1" });
        return Task.FromResult(new RunningMachine(handle, Endpoint(plan)));
    }

    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) =>
        Task.FromResult(new MachineStatus(Running ? RunningState : MachineState.Stopped, "fake", null, VmName, Diagnose?.Invoke(handle), Running ? Descriptors : null));

    /// <summary>The helpers' descriptor use a running machine reports.</summary>
    public IReadOnlyList<DescriptorUse>? Descriptors { get; set; }

    /// <summary>What the provider's console diagnosis says for a handle (as ProviderSupport's would); none when null.</summary>
    public Func<MachineHandle, BootFailure?>? Diagnose { get; set; }

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken)
    {
        Calls.Add($"stop force={options.Force}");
        OnStop?.Invoke(handle);
        Running = false;
        return Task.CompletedTask;
    }

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken)
    {
        Calls.Add("destroy");
        OnDestroy?.Invoke(handle);
        Running = false;
        return Task.CompletedTask;
    }
}

internal sealed class FakeCatalog(FakeDistro distro, IProvider provider) : IPluginCatalog
{
    public IReadOnlyList<string> DistroNames => ["fake"];

    public IReadOnlyList<string> ProviderNames => ["fakevm"];

    public IDistro GetDistro(string name) => distro;

    public IProvider GetProvider(string name) => provider;
}
