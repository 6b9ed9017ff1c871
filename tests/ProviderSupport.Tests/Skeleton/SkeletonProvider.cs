using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests.Skeleton;

/// <summary>
/// A third provider, in the tests only: it boots nothing, and everything else a provider decides it takes from
/// ProviderSupport, as a cloud-hypervisor provider would: QEMU's user-mode network and its SSH endpoint, the port
/// checks, the KVM rule, virtiofsd (found, its dialect, its arguments, the error when it is missing), the 9p setuid
/// warning and the console diagnosis. Nothing here is copied from QemuDirect or Libvirt: if it were, a broken
/// ProviderSupport would leave it working.
/// </summary>
/// <param name="kvmDevice">What opening /dev/kvm gives on the pretend host.</param>
/// <param name="cpuInfo">The pretend host's /proc/cpuinfo.</param>
internal sealed class SkeletonProvider(KvmDevice kvmDevice, string? cpuInfo) : IProvider
{
    /// <summary>The <see cref="MachineHandle.Data"/> key of the accelerator the KVM rule chose.</summary>
    public const string AcceleratorKey = "accel";

    /// <summary>The virtiofsd command each virtiofs share would be served by, in share order, as the last start planned them.</summary>
    public List<CommandSpec> PlannedVirtiofsd { get; } = [];

    public string Name => "skeleton";

    public string Description => "Boots nothing; reuses ProviderSupport for everything a provider decides.";

    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    public ProviderCapabilities Capabilities { get; } = new([ShareTransport.VirtioFs, ShareTransport.NineP], UdpPorts: true);

    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpecIssue>>([.. UserNetwork.PortIssues(machine.Ports)]);

    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) =>
        Task.FromResult(VirtiofsdLocator.FindPath(null, host) is null ? ShareTransport.NineP : ShareTransport.VirtioFs);

    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) =>
        Task.FromResult(UserNetwork.Describe());

    public async Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken)
    {
        var useKvm = KvmRule.Decide(plan.Provider.Accel, kvmDevice, cpuInfo, host.Progress);
        PlannedVirtiofsd.Clear();
        foreach (var (share, index) in plan.Shares.Select((share, index) => (share, index)).Where(s => s.share.Transport == ShareTransport.VirtioFs))
        {
            var virtiofsd = await VirtiofsdLocator.FindAsync(null, host, cancellationToken).ConfigureAwait(false) ?? throw VirtiofsdErrors.NotFound(share);
            var socket = Path.Combine(plan.RuntimeDirectory, string.Create(CultureInfo.InvariantCulture, $"virtiofsd-{index}.sock"));
            PlannedVirtiofsd.Add(new CommandSpec(virtiofsd.Path, VirtiofsdArgs.Build(share, socket, virtiofsd.Flavour)));
        }

        NinePSetuidRule.Require(plan.Shares);
        PortCheck.EnsureFree(plan);

        // The command line a QEMU-based VMM would get for its network; the skeleton only keeps it.
        var data = new Dictionary<string, string>
        {
            [AcceleratorKey] = useKvm ? "kvm" : "tcg",
            ["netdev"] = UserNetwork.Netdev("net0", plan.SshHostPort, plan.Ports),
        };
        var handle = new MachineHandle(plan.MachineName, plan.MachineId, plan.StateDirectory, plan.RuntimeDirectory, plan.ConsoleLogPath, data);
        return new RunningMachine(handle, UserNetwork.SshEndpoint(plan.SshHostPort));
    }

    public async Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken)
    {
        // A machine that boots nothing runs until its console says otherwise.
        var failure = await BootDiagnostics.ReadAsync(handle, cancellationToken).ConfigureAwait(false);
        return failure is null
            ? new MachineStatus(MachineState.Running, "skeleton")
            : new MachineStatus(MachineState.Crashed, BootDiagnostics.Describe("skeleton", failure), failure.LastLines, Failure: failure);
    }

    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) => Task.CompletedTask;
}
