using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline;

/// <summary>
/// Decides every share's tag once, so the distro plugin (fstab, kernel command line) and the provider (QEMU
/// devices) agree. Tags are short, never start with /dev and hold no '=': the initramfs would otherwise wait
/// for a block device.
/// </summary>
internal static class SharePlanner
{
    /// <summary>The 9p security model of a writable synced folder that names none.</summary>
    /// <remarks>
    /// With passthrough (or none) a mode the guest sets lands on the host file, set-id bits included, and QEMU serves
    /// 9p, where no setuid filter can be put: it also serves a 9p root, whose sudo the guest needs. mapped-xattr keeps
    /// the guest's modes in an xattr and leaves the host's alone. A read-only folder takes no chmod.
    /// </remarks>
    public const string WritableNinePSecurityModel = "mapped-xattr";

    /// <param name="machine">The machine's spec.</param>
    /// <param name="rootDirectory">The machine's root folder.</param>
    /// <param name="rootTransport">How the root reaches the guest.</param>
    /// <param name="folderTransport">
    /// How a synced folder that names no transport reaches the guest: the provider's default (virtiofs wherever
    /// virtiofsd exists, whose setuid filter a 9p root cannot have), not the root's.
    /// </param>
    /// <param name="homeApart">
    /// Whether the provider serves a virtiofs root's /home as a share of its own (<see cref="ProviderCapabilities.HomeShare"/>)
    /// and, at start, the root's home folder passed <see cref="RootHomeFolder.WhyNotServed"/>.
    /// </param>
    public static IReadOnlyList<Share> Plan(MachineSpec machine, string rootDirectory, ShareTransport rootTransport, ShareTransport folderTransport, bool homeApart = false)
    {
        var shares = new List<Share>
        {
            new(Share.RootTag, rootDirectory, "/", rootTransport, NinePMsize: machine.Share.NinePMsize),
        };
        for (var i = 0; i < machine.SyncedFolders.Count; i++)
        {
            var folder = machine.SyncedFolders[i];
            var transport = TransportOf(folder, folderTransport);
            shares.Add(new Share(
                $"share{i}",
                folder.HostPath,
                folder.GuestPath,
                transport,
                folder.ReadOnly,
                folder.NinePSecurityModel ?? (transport == ShareTransport.NineP && !folder.ReadOnly ? WritableNinePSecurityModel : "passthrough"),
                machine.Share.NinePMsize));
        }

        // Last, so every synced folder keeps its socket and device index; fstab puts it first. Not where a synced folder
        // is /home itself (that one wins), nor over a 9p root (one 9p server, no virtiofsd to bound).
        if (homeApart && rootTransport == ShareTransport.VirtioFs && !machine.SyncedFolders.Any(f => IsHome(f.GuestPath)))
        {
            shares.Add(new Share(Share.HomeTag, Path.Combine(rootDirectory, RootHomeFolder.Name), Share.HomeGuestPath, ShareTransport.VirtioFs, PartOfRoot: true));
        }

        return shares;
    }

    private static bool IsHome(string guestPath) => guestPath.TrimEnd('/') == Share.HomeGuestPath;

    /// <summary>How <paramref name="folder"/> reaches the guest when synced folders default to <paramref name="folderTransport"/>.</summary>
    // A security model is a 9p setting: a folder that names one asks for 9p.
    public static ShareTransport TransportOf(SyncedFolder folder, ShareTransport folderTransport) =>
        folder.Transport ?? (folder.NinePSecurityModel is null ? folderTransport : ShareTransport.NineP);
}
