using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Whether a machine gets KVM or software emulation (TCG), the one rule every provider follows: KVM only when
/// /dev/kvm opens AND the CPU shows vmx or svm. A /dev/kvm that opens on a CPU without them (nested setups, kvm_pvm)
/// makes guests hang silently, and libvirt advertises type='kvm' there too.
/// </summary>
public static class KvmRule
{
    /// <summary>
    /// Decides for <paramref name="requested"/> given what /dev/kvm does and what /proc/cpuinfo says. Warns once
    /// (through <paramref name="progress"/>) when <see cref="Accelerator.Auto"/> falls back to TCG; throws when
    /// <see cref="Accelerator.Kvm"/> is forced and /dev/kvm does not open.
    /// </summary>
    public static bool Decide(Accelerator requested, KvmDevice device, string? cpuInfo, IProgressReporter progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (requested == Accelerator.Tcg)
        {
            return false;
        }

        var cpuHasVirtualization = CpuHasVirtualization(cpuInfo);
        if (requested == Accelerator.Kvm)
        {
            if (device != KvmDevice.Opens)
            {
                throw new DisklessException(
                    $"accel = \"kvm\" is set, but /dev/kvm {Problem(device)}.",
                    device switch
                    {
                        KvmDevice.Missing => "Load the KVM module (modprobe kvm_intel or kvm_amd), or set accel = \"auto\" in [provider] to fall back to emulation.",
                        KvmDevice.NotForNamespace => "Open it to all users as systemd does by default (chmod 0666 /dev/kvm; keep it with a udev rule KERNEL==\"kvm\", MODE=\"0666\"), or set accel = \"auto\" in [provider].",
                        _ => "Add this user to the kvm group (usermod -aG kvm $USER), or set accel = \"auto\" in [provider].",
                    },
                    ExitCodes.NotAvailable);
            }

            if (!cpuHasVirtualization)
            {
                progress.Warn("accel = \"kvm\" is forced, but /proc/cpuinfo shows no vmx or svm flag: the guest may hang. Set accel = \"auto\" if it does.");
            }

            return true;
        }

        if (device == KvmDevice.Opens && cpuHasVirtualization)
        {
            return true;
        }

        var reason = device == KvmDevice.Opens ? "the CPU shows no vmx or svm flag in /proc/cpuinfo" : "/dev/kvm " + Problem(device);
        progress.Warn($"KVM is not usable here ({reason}): QEMU will emulate the CPU (TCG), so the guest boots and runs several times slower than with KVM (10-20 s to SSH on two cores, more on a busy host).");
        return false;
    }

    /// <summary>True when a "flags" line of /proc/cpuinfo lists vmx (Intel VT-x) or svm (AMD-V).</summary>
    public static bool CpuHasVirtualization(string? cpuInfo) =>
        cpuInfo is not null && cpuInfo.Split('\n')
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal))
            .SelectMany(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(flag => flag is "vmx" or "svm");

    /// <summary>The text of /proc/cpuinfo; null when it cannot be read.</summary>
    public static string? ReadCpuInfo()
    {
        try
        {
            return File.ReadAllText("/proc/cpuinfo");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether /dev/kvm exists and opens read-write for this process.</summary>
    public static KvmDevice ProbeDevice()
    {
        if (!File.Exists("/dev/kvm"))
        {
            return KvmDevice.Missing;
        }

        try
        {
            using var handle = File.OpenHandle("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return KvmDevice.Opens;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return KvmDevice.NoAccess;
        }
    }

    private static string Problem(KvmDevice device) => device switch
    {
        KvmDevice.Missing => "does not exist",
        KvmDevice.NotForNamespace => "is not open to all users, and QEMU runs as a subordinate id in the machine's user namespace, without this user's groups",
        _ => "cannot be opened by this user",
    };
}

/// <summary>What opening /dev/kvm gave, as the process that will run QEMU would see it.</summary>
public enum KvmDevice
{
    /// <summary>There is no /dev/kvm.</summary>
    Missing,

    /// <summary>/dev/kvm exists but this user cannot open it.</summary>
    NoAccess,

    /// <summary>/dev/kvm opens (which alone does not prove that KVM works).</summary>
    Opens,

    /// <summary>/dev/kvm opens for this user but not for everyone, and QEMU is to run as a subordinate id.</summary>
    NotForNamespace,
}
