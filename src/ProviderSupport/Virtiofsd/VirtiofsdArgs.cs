using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>Plans one virtiofsd command line. Pure.</summary>
public static class VirtiofsdArgs
{
    /// <summary>The arguments (without the program) that serve <paramref name="share"/> on <paramref name="socketPath"/>.</summary>
    /// <remarks>
    /// A folder of the root served apart (the guest's /home) is the root's in every other way — its xattrs and ACLs,
    /// cache=always, its id mapping, no setuid guard (the guest's own tree) — but bounds its held descriptors like a
    /// synced folder: the user's big trees live there, while /usr and /etc keep the root's long timeouts.
    /// </remarks>
    public static IReadOnlyList<string> Build(Share share, string socketPath, VirtiofsdFlavour flavour) =>
        share.IsRoot ? Common(share, socketPath, flavour)
        : share.PartOfRoot ? [.. Common(share, socketPath, flavour), .. SyncedFolderDescriptors(flavour)]
        : [.. Common(share, socketPath, flavour), .. SyncedFolderDescriptors(flavour), .. SyncedFolderCapabilities(flavour), .. SyncedFolderXattrMap(flavour)];

    /// <summary><see cref="HeldDescriptorsBound"/> for a synced folder (or the root's /home) of the C virtiofsd; the Rust one holds file handles where it may.</summary>
    public static IReadOnlyList<string> SyncedFolderDescriptors(VirtiofsdFlavour flavour) => flavour switch
    {
        VirtiofsdFlavour.Rust => [],
        _ => HeldDescriptorsBound,
    };

    /// <summary>
    /// A synced folder's virtiofsd gives up CAP_FSETID, so every write it makes on the guest's behalf clears a file's
    /// setuid and setgid bits (the kernel's rule for a writer without it). The setuid filter keeps the guest from setting
    /// those bits; this keeps it from rewriting a host file that already has them and keeping them — which matters where
    /// the guest's user owns the owner's files (a root-run, root-owned folder, idmapped to the guest's user).
    /// </summary>
    public static IReadOnlyList<string> SyncedFolderCapabilities(VirtiofsdFlavour flavour) => flavour switch
    {
        VirtiofsdFlavour.Rust => ["--modcaps=-fsetid"],
        _ => ["-o", "modcaps=-fsetid"],
    };

    /// <summary>
    /// A synced folder's file capabilities stay the guest's (<see cref="SetuidGuard.XattrMap"/>); the root keeps real
    /// ones, which its own programs (ping, say) need and no other host user reaches.
    /// </summary>
    public static IReadOnlyList<string> SyncedFolderXattrMap(VirtiofsdFlavour flavour) => flavour switch
    {
        VirtiofsdFlavour.Rust => ["--xattrmap", SetuidGuard.XattrMap],
        _ => ["-o", $"xattrmap={SetuidGuard.XattrMap}"],
    };

    private static IReadOnlyList<string> Common(Share share, string socketPath, VirtiofsdFlavour flavour) => flavour switch
    {
        // xattr: ACLs, capabilities and SELinux labels of the root tree; announce-submounts: btrfs subvolumes
        // and other mounts under the folder keep distinct inode numbers; file handles avoid one open fd per inode.
        VirtiofsdFlavour.Rust =>
        [
            "--shared-dir", share.HostPath,
            "--socket-path", socketPath,
            "--cache", CachePolicy(share),
            "--xattr",
            "--announce-submounts",
            "--inode-file-handles=prefer",
        ],
        _ =>
        [
            $"--socket-path={socketPath}",
            // The C virtiofsd reads -o as a FUSE option list, where a comma must be escaped.
            "-o", $"source={share.HostPath.Replace(",", "\\,", StringComparison.Ordinal)}",
            "-o", $"cache={CachePolicy(share)}",
            "-o", "xattr",
            "-o", "posix_acl",
            "-o", "announce_submounts",
        ],
    };

    /// <summary>
    /// The C virtiofsd (QEMU 7.2) holds one open descriptor for every inode the guest keeps a lookup on, and the guest
    /// keeps every inode whose name it has cached until memory runs short: a walk of a tree bigger than the host's
    /// open-file limit then ends in "Too many open files" for the whole guest. With a zero timeout the guest's kernel
    /// deletes a virtiofs name at its last use (FUSE's delete_stale) and the inode with it (FUSE keeps no unused inode),
    /// so it forgets each file it no longer uses and virtiofsd closes its descriptor: what virtiofsd holds is bounded by
    /// what the guest has open or in use, by the kernel, with no race against a walk. Readdirplus would look every entry
    /// of a listing up only for the guest to forget it at once, so it is off. The price, measured under TCG: lookups and
    /// attributes go to virtiofsd every time (see the README's big trees). The Rust virtiofsd holds file handles instead
    /// where it may. Synced folders only: on the root the same price was the boot's (SSH after 32.7–35.5 s instead of
    /// 13.5 s, `stat /usr/bin/*` ×5 8× slower, quiet host, TCG), so the root keeps long timeouts and its cached inodes
    /// are bounded by the guest's reclaim service (fuse-reclaim), which drops them past a quarter of the limit; the
    /// root's /home, where the user's big trees live, is served apart with this bound (<see cref="Share.PartOfRoot"/>).
    /// </summary>
    public static IReadOnlyList<string> HeldDescriptorsBound { get; } = ["-o", "timeout=0", "-o", "no_readdirplus"];

    /// <summary>
    /// The root folder belongs to its running guest: nothing on the host writes into it while the machine runs (it is
    /// configured only while stopped; provisioners go through SSH). So the guest may keep a file's data between opens
    /// ("always"); its own writes still reach the host at once, so the host reads a current tree. The same holds for the
    /// root's /home served apart. Synced folders, which
    /// the user edits on the host while the guest runs, keep "auto" (data checked again at each open). For the C
    /// virtiofsd, <see cref="HeldDescriptorsBound"/> sets how long names and attributes live (not at all).
    /// </summary>
    public static string CachePolicy(Share share) => share.IsGuestTree ? "always" : "auto";
}
