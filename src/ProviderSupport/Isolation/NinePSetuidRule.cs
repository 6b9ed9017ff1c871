using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// A writable synced folder is never served over 9p with security_model passthrough or none: QEMU serves 9p, where the
/// setuid filter virtiofsd's folders get cannot be put (QEMU also serves a 9p root, whose setuid sudo the guest needs),
/// and with those models a mode the guest sets lands on the host file, set-id bits included. mapped-xattr keeps the
/// guest's modes in an xattr and leaves the host's file modes alone; a read-only folder takes no chmod at all. The
/// Disklessfile's reader refuses such a folder at its line; providers check their plan again before starting anything,
/// so no other way of making a plan opens the door. Pure.
/// </summary>
public static class NinePSetuidRule
{
    /// <summary>True when <paramref name="share"/> would let the guest's modes, set-id bits included, reach the host.</summary>
    public static bool OpensTheDoor(Share share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return !share.IsRoot && share.Transport == ShareTransport.NineP && !share.ReadOnly && share.NinePSecurityModel is not ("mapped-xattr" or "mapped");
    }

    /// <summary>Throws, naming the first such folder and the fix, when any share of <paramref name="shares"/> opens the door.</summary>
    /// <exception cref="DisklessException">A writable synced folder over 9p passes the guest's modes to the host.</exception>
    public static void Require(IEnumerable<Share> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.FirstOrDefault(OpensTheDoor) is { } share)
        {
            throw new DisklessException(
                $"The synced folder '{share.GuestPath}' ({share.HostPath}) would be served over 9p with security_model = \"{share.NinePSecurityModel}\": "
                + "the guest (its root, or its user) could leave setuid or setgid files there that other host users who reach the folder could run.",
                "set transport = \"virtiofs\" for it (virtiofsd refuses such files), or security_model = \"mapped-xattr\", or read_only = true",
                ExitCodes.InvalidConfiguration);
        }
    }
}
