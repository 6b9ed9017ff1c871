using Diskless.Abstractions;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Finds the kernel and initramfs through Debian's /vmlinuz and /initrd.img links (relative, "boot/…"), resolved inside
/// the root. A base is built without an initramfs, so the kernel package made no /initrd.img link: the machine's own
/// initramfs is then the one beside the kernel, /boot/initrd.img-VERSION.
/// </summary>
internal static class BootArtifactsLocator
{
    private const string KernelPrefix = "vmlinuz-";

    public static BootArtifacts Locate(MachineRoot root, string kernelCommandLine)
    {
        var kernel = Find(root, "/vmlinuz", "kernel");
        var initramfs = File.Exists(root.Resolve("/initrd.img")) || !Path.GetFileName(kernel).StartsWith(KernelPrefix, StringComparison.Ordinal)
            ? "/initrd.img"
            : "/boot/initrd.img-" + Path.GetFileName(kernel)[KernelPrefix.Length..];
        return new(kernel, Find(root, initramfs, "initramfs"), kernelCommandLine);
    }

    private static string Find(MachineRoot root, string guestPath, string what) =>
        BootFiles.Require(
            root,
            guestPath,
            what,
            "The base may be incomplete (was linux-image-amd64 removed from [distro] packages?); `diskless destroy` and `diskless up` rebuild the machine.",
            "Reinstall the kernel from inside the guest (`sudo apt-get install --reinstall linux-image-amd64`), or `diskless destroy` and `diskless up`.");
}
