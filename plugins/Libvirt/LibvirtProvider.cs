using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.Libvirt;

/// <summary>
/// Boots the root folder as a libvirt domain through virsh, with virtiofs or 9p: the same machine, visible in virsh and
/// virt-manager. libvirtd, not diskless, starts QEMU, so machines cannot run in a user namespace: roots stay host-owned.
/// </summary>
public sealed class LibvirtProvider : IProvider
{
    private readonly LibvirtHostProbe _probe;
    private readonly LibvirtTimings _timings;
    private readonly TimeProvider _time;
    private readonly bool _isRoot;

    /// <summary>The provider on the real host.</summary>
    public LibvirtProvider()
        : this(LibvirtHostProbe.Real, LibvirtTimings.Default, TimeProvider.System, Environment.IsPrivilegedProcess)
    {
    }

    /// <summary>The provider over a given host (tests pose as hosts with or without KVM, as root or not, on a fake clock).</summary>
    internal LibvirtProvider(LibvirtHostProbe probe, LibvirtTimings timings, TimeProvider time, bool isRoot)
    {
        _probe = probe;
        _timings = timings;
        _time = time;
        _isRoot = isRoot;
    }

    /// <inheritdoc />
    public string Name => "libvirt";

    /// <inheritdoc />
    public string Description => "Boots the root folder as a libvirt domain (virsh), with virtiofs or 9p.";

    /// <inheritdoc />
    public IReadOnlyList<string> MissingCapabilities { get; } = [];

    /// <inheritdoc />
    // No home share: libvirt builds its virtiofsd's arguments itself (no zero timeout), so a /home apart would bound nothing.
    public ProviderCapabilities Capabilities { get; } = new([ShareTransport.VirtioFs, ShareTransport.NineP], UdpPorts: true, UserNamespace: false);

    /// <inheritdoc />
    public Task<IReadOnlyList<SpecIssue>> ValidateAsync(MachineSpec machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var settings = LibvirtSettings.Parse(machine.Provider, out var settingIssues);
        var issues = settingIssues.ToList();
        if (!_isRoot)
        {
            issues.Add(new SpecIssue(
                "the libvirt provider needs root: libvirtd, not diskless, starts QEMU, so a machine cannot run in a user namespace and its root folder is host-owned, which only root can build and configure",
                machine.Provider.Location,
                "run it as root (sudo diskless up), or use name = \"qemu\" in [provider], which runs machines as this user"));
        }

        if (settings.Network is not null)
        {
            // On a libvirt network the guest has its own address: nothing forwards, and the host reaches it directly.
            issues.AddRange(machine.Ports.Select(port => new SpecIssue(
                $"forwarded ports need user-mode networking, but this machine is on the libvirt network '{settings.Network}'",
                port.Location,
                $"reach the guest's port at its own address (diskless status shows it), or remove 'network' from [provider] to forward ports on {Loopback.Address}")));
        }
        else
        {
            issues.AddRange(UserNetwork.PortIssues(machine.Ports));
        }

        foreach (var folder in machine.SyncedFolders.Where(f => DomainPlanner.NinePAccessMode(f.NinePSecurityModel) is null))
        {
            issues.Add(new SpecIssue($"libvirt cannot share a folder over 9p with security_model = \"{folder.NinePSecurityModel}\"", folder.Location, "use \"passthrough\", \"mapped-xattr\" or \"none\""));
        }

        // libvirt 9.0 refuses it ("virtiofs does not yet support read-only mode"), and a folder read-only only in the
        // guest's fstab is one guest root can remount writable. A folder without a transport follows [share], whose
        // default is virtiofs.
        foreach (var folder in machine.SyncedFolders.Where(f => f.ReadOnly && (f.Transport ?? machine.Share.Transport ?? ShareTransport.VirtioFs) == ShareTransport.VirtioFs))
        {
            issues.Add(new SpecIssue(
                "libvirt cannot share a folder read-only over virtiofs (\"virtiofs does not yet support read-only mode\")",
                folder.Location,
                "set transport = \"9p\" on this folder, whose read-only share libvirt enforces on the host"));
        }

        return Task.FromResult<IReadOnlyList<SpecIssue>>(issues);
    }

    /// <inheritdoc />
    public Task<ShareTransport> DefaultTransportAsync(IHostServices host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Task.FromResult(VirtiofsdLocator.FindPath(null, host) is null ? ShareTransport.NineP : ShareTransport.VirtioFs);
    }

    /// <inheritdoc />
    public async Task<GuestNetwork> DescribeNetworkAsync(MachineSpec machine, IHostServices host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(host);

        // On a libvirt network the guest leases its address. passt's DHCP hands out the host's address, gateway and
        // DNS, and libvirt cannot set passt's gateway, so a passt guest asks DHCP too; the probe is cached, so the
        // start that follows plans the same interface.
        var settings = LibvirtSettings.Parse(machine.Provider);
        return settings.Network is not null || await _probe.UsesPasstAsync(settings, host, cancellationToken).ConfigureAwait(false)
            ? GuestNetwork.Dhcp()
            : UserNetwork.Describe();
    }

    /// <inheritdoc />
    public Task<RunningMachine> StartAsync(BootPlan plan, IHostServices host, CancellationToken cancellationToken) =>
        new DomainLauncher(_probe, _timings, _time).StartAsync(plan, host, cancellationToken);

    /// <inheritdoc />
    public Task<MachineStatus> StatusAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken)
    {
        var domain = DomainHandle.From(handle);
        return DomainStatusReader.ReadAsync(Connect(domain, host), domain, handle, cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(MachineHandle handle, StopOptions options, IHostServices host, CancellationToken cancellationToken)
    {
        var domain = DomainHandle.From(handle);
        return new DomainStopper(_timings, _time).StopAsync(Connect(domain, host), domain, options, host.Progress, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DestroyAsync(MachineHandle handle, IHostServices host, CancellationToken cancellationToken)
    {
        var domain = DomainHandle.From(handle);
        var virsh = Connect(domain, host);
        await new DomainStopper(_timings, _time).StopAsync(virsh, domain, new StopOptions(Force: true, TimeSpan.Zero), host.Progress, cancellationToken).ConfigureAwait(false);
        if (await DomainOwnership.RequireOursOrAbsentAsync(virsh, domain.Identity, cancellationToken).ConfigureAwait(false))
        {
            await virsh.RunAsync("undefine the domain", cancellationToken, "undefine", domain.Identity.Name).ConfigureAwait(false);
        }
    }

    private static Virsh Connect(DomainHandle domain, IHostServices host) =>
        new(LibvirtHostProbe.FindVirsh(host), domain.Uri, host.Commands);
}
