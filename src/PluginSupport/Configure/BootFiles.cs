using Diskless.Abstractions;

namespace Diskless.PluginSupport.Configure;

/// <summary>
/// Finds a kernel or initramfs inside a machine root, links resolved inside the root: a provider gets a real file and a
/// link can never point it at a host file.
/// </summary>
public static class BootFiles
{
    /// <summary>The host path of <paramref name="guestPath"/>; an error with <paramref name="missingHint"/> when absent, with <paramref name="emptyHint"/> when empty or not a regular file.</summary>
    public static string Require(MachineRoot root, string guestPath, string what, string missingHint, string emptyHint)
    {
        ArgumentNullException.ThrowIfNull(root);
        var hostPath = root.Resolve(guestPath);
        if (!File.Exists(hostPath))
        {
            throw new DisklessException($"The machine root {root.Path} has no {what} at {guestPath}.", missingHint);
        }

        // A device node or fifo has no size (nor has an empty file): a provider handed one would read a host device.
        if (new FileInfo(hostPath).Length == 0)
        {
            throw new DisklessException($"The {what} at {guestPath} in the machine root {root.Path} is empty or not a regular file.", emptyHint);
        }

        return hostPath;
    }
}
