using Diskless.Abstractions;
using Diskless.ProviderSupport;

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

    /// <summary>
    /// The uid Diskless runs as: a process it started itself may still run as this uid (a wrapper before it enters the
    /// machine's namespace), and is then signalled as any other of its own.
    /// </summary>
    long Uid => new ProcProcessTable().OwnerUid(Environment.ProcessId) ?? -1;

    /// <summary>Diskless's own open-file limit, which the processes it starts inherit; null when unreadable.</summary>
    DescriptorLimit? OwnDescriptorLimit => new ProcDescriptors().Own();

    /// <summary>fs.nr_open, the ceiling Diskless may raise a hard open-file limit to; null when it may not (no CAP_SYS_RESOURCE) or it is unreadable.</summary>
    long? NrOpen => new ProcDescriptors().RaiseCeiling();

    /// <summary>
    /// Whether /dev/kvm is readable and writable by every user (systemd's default, 0666), as QEMU in a user namespace
    /// needs: it runs as a subordinate id without the user's groups (kvm among them).
    /// </summary>
    bool KvmOpenToEveryone =>
        File.Exists("/dev/kvm")
        && (File.GetUnixFileMode("/dev/kvm") & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) == (UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
}
