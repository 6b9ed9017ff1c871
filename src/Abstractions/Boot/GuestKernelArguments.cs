namespace Diskless.Abstractions;

/// <summary>
/// Kernel command-line arguments a provider adds at boot for a service the distro installs in the guest: the provider
/// knows the host's figures, the distro the guest's service that reads them.
/// </summary>
public static class GuestKernelArguments
{
    /// <summary>
    /// <c>diskless.fuse_inodes=N</c>: how many FUSE inodes the guest may keep cached before it drops its unused dentries
    /// and inodes, so that each virtiofsd (one open descriptor per inode the guest caches) stays within its open-file
    /// limit on the host. Absent when no share is served over virtiofs: the guest's service then does nothing.
    /// </summary>
    public const string FuseInodes = "diskless.fuse_inodes";
}
