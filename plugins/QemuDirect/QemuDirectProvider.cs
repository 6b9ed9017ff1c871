using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>Boots the root folder with qemu-system directly, virtiofsd for virtiofs; no daemon.</summary>
public sealed class QemuDirectProvider : IProvider, IRuntimePortForwarding
{
    private readonly IHostSystem _system;
    private readonly QemuHostProbe _probe;
    private readonly QemuTimings _timings;

    /// <summary>The provider on the real host.</summary>
    public QemuDirectProvider()
        : this(new LinuxHostSystem(), QemuTimings.Default)
    {
    }

    /// <summary>
    /// The provider over a given host view (tests pose as hosts with or without KVM, and wait less); the process
    /// table comes with each call's <see cref="IHostServices"/>, where tests pose as processes.
    /// </summary>
    internal QemuDirectProvider(IHostSystem system, QemuTimings timings)
    {
        _system = system;
        _probe = new QemuHostProbe(system);
        _timings = timings;
    }

    /// <inheritdoc />
    public string Name => "qemu";

    /// <inheritdoc />
    public string Description => "Boots the root folder with qemu-system directly, virtiofsd for virtiofs; no daemon.";

    /// <inheritdoc />
    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    /// <inheritdoc />
    public ProviderCapabilities Capabilities { get; } = new([ShareTransport.VirtioFs, ShareTransport.NineP], UdpPorts: true, UserNamespace: true, HomeShare: true);

    /// <inheritdoc />
    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken)
    {
        QemuSettings.Parse(machine.Provider, out var settingIssues);
        var issues = settingIssues.ToList();
        issues.AddRange(UserNetwork.PortIssues(machine.Ports));
        return Task.FromResult<IReadOnlyList<SpecIssue>>(issues);
    }

    /// <inheritdoc />
    public async Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken) =>
        await _probe.FindVirtiofsdAsync(QemuSettings.Default, host, cancellationToken).ConfigureAwait(false) is null
            ? ShareTransport.NineP
            : ShareTransport.VirtioFs;

    /// <inheritdoc />
    public Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken) =>
        Task.FromResult(UserNetwork.Describe());

    /// <inheritdoc />
    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) =>
        new QemuLauncher(_probe, Processes(host), _timings, _system.IsRoot).StartAsync(plan, host, cancellationToken);

    /// <inheritdoc />
    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken) =>
        new QemuStatusReader(host.Processes, host.Commands).ReadAsync(handle, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken) =>
        new QemuStopper(Processes(host), _timings).StopAsync(handle, options, host, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AddForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken) =>
        new QemuForwards(_timings).AddAsync(handle, port, host, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken) =>
        new QemuForwards(_timings).RemoveAsync(handle, port, host, cancellationToken);

    /// <inheritdoc />
    public async Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken)
    {
        await StopAsync(handle, new StopOptions(Force: true, TimeSpan.Zero), host, cancellationToken).ConfigureAwait(false);

        // The runtime folder may lie outside the machine's folders the host removes: take our sockets with us. Those
        // of a namespaced machine are guest root's, in a folder of the user's, which the user may empty all the same.
        var files = MachineFiles.For(handle);
        if (Directory.Exists(files.GuestDirectory))
        {
            RemoveOwnFiles(files.GuestDirectory, "*.sock", "qemu.pid");
        }

        if (Directory.Exists(files.RuntimeDirectory))
        {
            RemoveOwnFiles(files.RuntimeDirectory, "*.sock");
        }
    }

    private static void RemoveOwnFiles(string folder, params string[] patterns)
    {
        foreach (var file in patterns.SelectMany(pattern => Directory.EnumerateFiles(folder, pattern)))
        {
            File.Delete(file);
        }

        if (!Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    private ProcessControl Processes(IHostServices host) => new(host.Processes, _timings.PollInterval, _timings.KillTimeout, _system.IsRoot ? 0 : _system.Uid);
}
