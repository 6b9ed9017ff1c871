using Diskless.Abstractions;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>Finds the kernel and initramfs through Debian's /vmlinuz and /initrd.img links (relative, "boot/…"), resolved inside the root.</summary>
internal static class BootArtifactsLocator
{
    public static BootArtifacts Locate(MachineRoot root, string kernelCommandLine) =>
        new(Find(root, "/vmlinuz", "kernel"), Find(root, "/initrd.img", "initramfs"), kernelCommandLine);

    private static string Find(MachineRoot root, string guestPath, string what) =>
        BootFiles.Require(
            root,
            guestPath,
            what,
            "The base may be incomplete (was linux-image-amd64 removed from [distro] packages?); `diskless destroy` and `diskless up` rebuild the machine.",
            "Reinstall the kernel from inside the guest (`sudo apt-get install --reinstall linux-image-amd64`), or `diskless destroy` and `diskless up`.");
}
