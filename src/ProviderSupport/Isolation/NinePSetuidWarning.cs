using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// The warning for a synced folder served over 9p, where the setuid filter cannot be put: QEMU serves it, and QEMU also
/// serves a 9p root, whose setuid programs (sudo) the guest needs. With security_model passthrough or none a mode the
/// guest sets lands on the host file, set-id bits included; mapped-xattr keeps the guest's modes in an xattr and leaves
/// the host's file modes alone, and a read-only folder takes no chmod at all. Pure.
/// </summary>
public static class NinePSetuidWarning
{
    /// <summary>The warning for <paramref name="share"/>; null when it has none to give.</summary>
    public static string? For(Share share)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (share.IsRoot || share.Transport != ShareTransport.NineP || share.ReadOnly || share.NinePSecurityModel is "mapped-xattr" or "mapped")
        {
            return null;
        }

        return $"The synced folder '{share.GuestPath}' ({share.HostPath}) is served over 9p with security_model = \"{share.NinePSecurityModel}\": "
            + "the guest (its root, or its user) can leave setuid or setgid files there that other host users who reach the folder could run. "
            + "Over virtiofs Diskless refuses them: set transport = \"virtiofs\" for it (or security_model = \"mapped-xattr\", or read_only = true).";
    }
}
