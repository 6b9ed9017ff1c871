using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>The errors about virtiofsd every provider gives, worded once.</summary>
public static class VirtiofsdErrors
{
    /// <summary><paramref name="share"/> is to be served over virtiofs and no virtiofsd was found.</summary>
    public static DisklessException NotFound(Share share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new DisklessException(
            $"The share '{share.Tag}' ({share.HostPath}) uses virtiofs, but no virtiofsd was found (PATH, {string.Join(", ", VirtiofsdLocations.Directories)}).",
            "Install it (apt-get install -y virtiofsd, or qemu-system-common on Debian 12, where it is /usr/lib/qemu/virtiofsd), set virtiofsd = \"/path\" in [provider], or set transport = \"9p\" under [share] in the Disklessfile.",
            ExitCodes.NotAvailable);
    }
}
