using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Finds the kernel and initramfs through Debian's /vmlinuz and /initrd.img links (relative, "boot/…"), resolved
/// inside the root: a provider gets real files and a link can never point it at a host file.
/// </summary>
internal static class BootArtifactsLocator
{
    public static BootArtifacts Locate(MachineRoot root, string kernelCommandLine) =>
        new(Find(root, "/vmlinuz", "kernel"), Find(root, "/initrd.img", "initramfs"), kernelCommandLine);

    private static string Find(MachineRoot root, string guestPath, string what)
    {
        var hostPath = root.Resolve(guestPath);
        if (!File.Exists(hostPath))
        {
            throw new DisklessException(
                $"The machine root {root.Path} has no {what} at {guestPath}.",
                "The base may be incomplete (was linux-image-amd64 removed from [distro] packages?); `diskless destroy` and `diskless up` rebuild the machine.");
        }

        // A device node or fifo has no size (nor has an empty file): a provider handed one would read a host device.
        if (new FileInfo(hostPath).Length == 0)
        {
            throw new DisklessException(
                $"The {what} at {guestPath} in the machine root {root.Path} is empty or not a regular file.",
                "Reinstall the kernel from inside the guest (`sudo apt-get install --reinstall linux-image-amd64`), or `diskless destroy` and `diskless up`.");
        }

        return hostPath;
    }
}
