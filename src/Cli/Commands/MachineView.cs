using Diskless.Abstractions;

namespace Diskless.Cli.Commands;

/// <summary>
/// The JSON shape of <c>diskless validate --json</c>: what scripts read, so it changes only on purpose. Values are
/// spelled as in a Disklessfile ("virtiofs", "9p", "kvm"); paths are absolute; sizes in MiB, durations in seconds.
/// </summary>
internal sealed record ProjectView(string Disklessfile, string ProjectDirectory, IReadOnlyList<MachineView> Machines, IReadOnlyList<RequestView> Requests, bool Trusted);

/// <summary>One thing a Disklessfile reaches past its project (<c>validate --json</c>).</summary>
internal sealed record RequestView(string? Location, string Request);

internal sealed record MachineView(
    string Name,
    int Cpus,
    long MemoryMiB,
    DistroView Distro,
    ProviderView Provider,
    ShareView Share,
    IReadOnlyList<SyncedFolderView> SyncedFolders,
    IReadOnlyList<PortView> Ports,
    IReadOnlyList<ProvisionerView> Provisioners,
    double BootTimeoutSeconds)
{
    public static MachineView From(MachineSpec m) => new(
        m.Name,
        m.Cpus,
        m.MemoryMiB,
        new DistroView(m.Distro.Name, m.Distro.Release, m.Distro.Mirror, m.Distro.Packages, m.Distro.User, m.Distro.Locale, m.Distro.Timezone, Settings(m.Distro.Settings)),
        new ProviderView(m.Provider.Name, m.Provider.Accel.ToString().ToLowerInvariant(), Settings(m.Provider.Settings)),
        new ShareView(TransportName(m.Share.Transport), m.Share.NinePMsize),
        [.. m.SyncedFolders.Select(f => new SyncedFolderView(f.HostPath, f.GuestPath, f.ReadOnly, TransportName(f.Transport)))],
        [.. m.Ports.Select(p => new PortView(p.Host, p.Guest, p.Protocol, p.HostAddress))],
        [.. m.Provisioners.Select(ProvisionerView.From)],
        m.BootTimeout.TotalSeconds);

    /// <summary>"virtiofs" or "9p" as a Disklessfile writes them; null when the provider chooses at boot.</summary>
    public static string? TransportName(ShareTransport? transport) => transport switch
    {
        ShareTransport.VirtioFs => "virtiofs",
        ShareTransport.NineP => "9p",
        _ => null,
    };

    private static SortedDictionary<string, object> Settings(IReadOnlyDictionary<string, SpecValue> settings) =>
        new(settings.ToDictionary(s => s.Key, s => s.Value.Value), StringComparer.Ordinal);
}

internal sealed record DistroView(
    string Name,
    string? Release,
    string? Mirror,
    IReadOnlyList<string> Packages,
    string User,
    string Locale,
    string Timezone,
    IReadOnlyDictionary<string, object> Settings);

internal sealed record ProviderView(string Name, string Accel, IReadOnlyDictionary<string, object> Settings);

internal sealed record ShareView(string? Transport, int NinePMsize);

internal sealed record SyncedFolderView(string Host, string Guest, bool ReadOnly, string? Transport);

internal sealed record PortView(int Host, int Guest, string Protocol, string HostAddress);

internal sealed record ProvisionerView(string Type, string Description)
{
    public static ProvisionerView From(Provisioner provisioner) => new(
        provisioner switch
        {
            ShellProvisioner { Inline: not null } => "shell",
            ShellProvisioner => "script",
            FileProvisioner => "file",
            _ => provisioner.GetType().Name,
        },
        provisioner.Describe());
}
