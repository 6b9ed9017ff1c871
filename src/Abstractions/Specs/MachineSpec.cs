namespace Diskless.Abstractions;

/// <summary>One machine of a Disklessfile, fully resolved: defaults applied, paths absolute, units converted.</summary>
/// <param name="Name">The machine name (also the guest hostname).</param>
/// <param name="ProjectDirectory">The folder holding the Disklessfile.</param>
/// <param name="DisklessfilePath">The Disklessfile's absolute path.</param>
/// <param name="Cpus">Virtual CPUs.</param>
/// <param name="MemoryMiB">Guest memory in MiB.</param>
/// <param name="Distro">The distro plugin and its settings.</param>
/// <param name="Provider">The provider plugin and its settings.</param>
/// <param name="Share">How the root (and by default the synced folders) are shared.</param>
/// <param name="SyncedFolders">Extra host folders mounted in the guest.</param>
/// <param name="Ports">Forwarded ports.</param>
/// <param name="Provisioners">Provisioners, in the order written.</param>
/// <param name="BootTimeout">How long to wait for SSH after start.</param>
public sealed record MachineSpec(
    string Name,
    string ProjectDirectory,
    string DisklessfilePath,
    int Cpus,
    long MemoryMiB,
    DistroSpec Distro,
    ProviderSpec Provider,
    ShareSpec Share,
    IReadOnlyList<SyncedFolder> SyncedFolders,
    IReadOnlyList<PortForward> Ports,
    IReadOnlyList<Provisioner> Provisioners,
    TimeSpan BootTimeout)
{
    /// <summary>
    /// The most bytes the machine's root may hold on the host (<c>size = "20GiB"</c>); null for no limit. Enforced as a
    /// btrfs qgroup limit on the root's subvolume.
    /// </summary>
    public long? SizeBytes { get; init; }

    /// <summary>Where <c>cpus</c> is written; null when defaulted.</summary>
    public SourceLocation? CpusLocation { get; init; }

    /// <summary>Where <c>memory</c> is written; null when defaulted.</summary>
    public SourceLocation? MemoryLocation { get; init; }

    /// <summary>Which ports the guest starts listening on are forwarded while it runs (<see cref="AutoForwardSpec"/>).</summary>
    public AutoForwardSpec AutoForward { get; init; } = AutoForwardSpec.Default;
}

/// <summary>
/// Which ports the guest starts listening on are forwarded from the same port on 127.0.0.1 while the machine runs
/// (the host agent's "ports" job): <c>auto_forward</c>, <c>auto_forward_udp</c>, <c>auto_forward_privileged</c>.
/// </summary>
/// <param name="Tcp">TCP listeners (<c>auto_forward</c>, on by default).</param>
/// <param name="Udp">UDP sockets too (<c>auto_forward_udp</c>, off by default); only while <paramref name="Tcp"/> is on.</param>
/// <param name="Privileged">Guest ports below 1024 too (<c>auto_forward_privileged</c>, off by default).</param>
public sealed record AutoForwardSpec(bool Tcp = true, bool Udp = false, bool Privileged = false)
{
    /// <summary>The default: TCP listeners from port 1024 up.</summary>
    public static AutoForwardSpec Default { get; } = new();

    /// <summary>Whether anything is forwarded automatically.</summary>
    public bool Enabled => Tcp;
}
