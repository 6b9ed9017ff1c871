namespace Diskless.Abstractions;

/// <summary>
/// A host folder shared into the guest under a tag, as planned by the host so that the distro plugin
/// (fstab, kernel command line) and the provider (QEMU devices, domain XML) agree on every tag.
/// </summary>
/// <param name="Tag">The mount tag; never starts with /dev and holds no '=' (the initramfs would wait for a block device).</param>
/// <param name="HostPath">Absolute host folder.</param>
/// <param name="GuestPath">Where the guest mounts it; "/" for the root.</param>
/// <param name="Transport">virtiofs or 9p.</param>
/// <param name="ReadOnly">Mounted read-only.</param>
/// <param name="NinePSecurityModel">For 9p: the QEMU security model (passthrough for the root).</param>
/// <param name="NinePMsize">For 9p: the msize.</param>
/// <param name="PartOfRoot">
/// A folder of the guest's own root served as a share of its own (its /home, <see cref="HomeTag"/>): served with the
/// root's options and id mapping, never a synced folder's guards, plus a bound on the descriptors its daemon holds.
/// </param>
public sealed record Share(
    string Tag,
    string HostPath,
    string GuestPath,
    ShareTransport Transport,
    bool ReadOnly = false,
    string NinePSecurityModel = "passthrough",
    int NinePMsize = ShareSpec.DefaultNinePMsize,
    bool PartOfRoot = false)
{
    /// <summary>The tag of the root share.</summary>
    public const string RootTag = "rootfs";

    /// <summary>The tag of the guest's /home served apart from a virtiofs root (<see cref="PartOfRoot"/>).</summary>
    public const string HomeTag = "home";

    /// <summary>Where the guest mounts the share tagged <see cref="HomeTag"/>, and the root's folder it serves.</summary>
    public const string HomeGuestPath = "/home";

    /// <summary>True for the share that is the guest's "/".</summary>
    public bool IsRoot => GuestPath == "/";

    /// <summary>True for the root and for a folder of it served apart: the guest's own tree, not a synced folder.</summary>
    public bool IsGuestTree => IsRoot || PartOfRoot;
}
