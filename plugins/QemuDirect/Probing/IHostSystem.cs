namespace Diskless.Plugins.QemuDirect;

/// <summary>The few host facts the probe reads directly (not through a program), behind an interface so tests can pose as any host.</summary>
public interface IHostSystem
{
    /// <summary>The text of /proc/cpuinfo; null when it cannot be read.</summary>
    string? ReadCpuInfo();

    /// <summary>Whether /dev/kvm exists and opens read-write for this user.</summary>
    KvmDevice ProbeKvmDevice();

    /// <summary>
    /// Whether Diskless runs as host root, whose runtime folders guest root cannot enter: a machine in a user namespace
    /// then gets its guest folder handed to guest root (<see cref="MachineFiles.GuestDirectory"/>).
    /// </summary>
    bool IsRoot => Environment.IsPrivilegedProcess;
}

/// <summary>What opening /dev/kvm gave.</summary>
public enum KvmDevice
{
    /// <summary>There is no /dev/kvm.</summary>
    Missing,

    /// <summary>/dev/kvm exists but this user cannot open it.</summary>
    NoAccess,

    /// <summary>/dev/kvm opens (which alone does not prove that KVM works).</summary>
    Opens,
}
