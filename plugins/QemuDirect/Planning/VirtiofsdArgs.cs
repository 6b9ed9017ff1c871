using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>Plans one virtiofsd command line. Pure.</summary>
public static class VirtiofsdArgs
{
    /// <summary>The arguments (without the program) that serve <paramref name="share"/> on <paramref name="socketPath"/>.</summary>
    public static IReadOnlyList<string> Build(Share share, string socketPath, VirtiofsdFlavour flavour) => flavour switch
    {
        // xattr: ACLs, capabilities and SELinux labels of the root tree; announce-submounts: btrfs subvolumes
        // and other mounts under the folder keep distinct inode numbers; file handles avoid one open fd per inode.
        VirtiofsdFlavour.Rust =>
        [
            "--shared-dir", share.HostPath,
            "--socket-path", socketPath,
            "--cache", "auto",
            "--xattr",
            "--announce-submounts",
            "--inode-file-handles=prefer",
        ],
        _ =>
        [
            $"--socket-path={socketPath}",
            // The C virtiofsd reads -o as a FUSE option list, where a comma must be escaped.
            "-o", $"source={share.HostPath.Replace(",", "\\,", StringComparison.Ordinal)}",
            "-o", "cache=auto",
            "-o", "xattr",
            "-o", "posix_acl",
            "-o", "announce_submounts",
        ],
    };
}
