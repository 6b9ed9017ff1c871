using Diskless.Abstractions;

namespace Diskless.PluginSupport.Shares;

/// <summary>What an initramfs needs to know about the share transports, the same for every distro.</summary>
public static class BootTransports
{
    /// <summary>
    /// Every module either transport and a fixed address need, in every machine's initramfs: it is built once, before
    /// the first boot, and a later change of transport or network must not need it built again. virtio_pci is the bus
    /// both devices sit on; virtio_net the NIC's driver, for an address set before the root is mounted.
    /// </summary>
    public static IReadOnlyList<string> InitramfsModules { get; } = ["virtio_pci", "virtio_net", "9pnet", "9pnet_virtio", "9p", "virtiofs"];

    /// <summary>The transport as mount(8) and fstab name the file system type.</summary>
    public static string FileSystemType(ShareTransport transport) => transport == ShareTransport.NineP ? "9p" : "virtiofs";
}
