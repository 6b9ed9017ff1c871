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
    IReadOnlyList<string> QemuArguments);

/// <summary>One &lt;filesystem&gt;: the root or a synced folder, its tag as the guest's fstab names it.</summary>
public sealed record FilesystemModel(string Tag, string HostPath, bool VirtioFs, string? Virtiofsd, bool ReadOnly, string NinePAccessMode);
