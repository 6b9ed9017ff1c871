namespace Diskless.Plugins.Libvirt;

// The view model of Templates/domain.xml.liquid; the template reads the properties in snake_case. Public because the
// host's template engine reads them by reflection from another assembly. Every string is XML-escaped on the way in.

/// <summary>domain.xml.liquid: one libvirt domain booting a root folder.</summary>
public sealed record DomainModel(
    string DomainType,
    string Name,
    string Uuid,
    string MachineName,
    string MachineId,
    string StateDirectory,
    long MemoryMib,
    int Cpus,
    bool SharedMemory,
    string Kernel,
    string Initrd,
    string Cmdline,
    bool HostCpu,
    string CpuModel,
    IReadOnlyList<string> DisabledCpuFeatures,
    IReadOnlyList<FilesystemModel> Filesystems,
    string ConsoleLog,
    string? Network,
    bool Passt,
    IReadOnlyList<PortForwardModel> PortForwards,
    IReadOnlyList<string> QemuArguments);

/// <summary>One &lt;filesystem&gt;: the root or a synced folder, its tag as the guest's fstab names it.</summary>
public sealed record FilesystemModel(string Tag, string HostPath, bool VirtioFs, string? Virtiofsd, bool ReadOnly, string NinePAccessMode);

/// <summary>One &lt;portForward&gt; of a passt interface: host <paramref name="Address"/>:<paramref name="HostPort"/> to the guest's <paramref name="GuestPort"/>.</summary>
public sealed record PortForwardModel(string Protocol, string Address, int HostPort, int GuestPort);

/// <summary>passt-probe.xml.liquid: the throwaway domain that asks libvirt whether it accepts passt.</summary>
public sealed record PasstProbeModel(string Name);
