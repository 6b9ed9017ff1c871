namespace Diskless.Plugins.QemuDirect;

/// <summary>The real host: reads /proc/cpuinfo and opens /dev/kvm.</summary>
public sealed class LinuxHostSystem : IHostSystem
{
    /// <inheritdoc />
    public string? ReadCpuInfo()
    {
        try
        {
            return File.ReadAllText("/proc/cpuinfo");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public KvmDevice ProbeKvmDevice()
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
        catch (UnauthorizedAccessException)
        {
            return KvmDevice.NoAccess;
        }
        catch (IOException)
        {
            return KvmDevice.NoAccess;
        }
    }
}
