using Diskless.Abstractions;
using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>The real host: reads /proc/cpuinfo and opens /dev/kvm.</summary>
public sealed class LinuxHostSystem : IHostSystem
{
    /// <inheritdoc />
    public string? ReadCpuInfo() => KvmRule.ReadCpuInfo();

    /// <inheritdoc />
    public KvmDevice ProbeKvmDevice() => KvmRule.ProbeDevice();
}
