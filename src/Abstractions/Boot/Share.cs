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
public sealed record Share(
    string Tag,
    string HostPath,
    string GuestPath,
    ShareTransport Transport,
    bool ReadOnly = false,
    string NinePSecurityModel = "passthrough",
    int NinePMsize = ShareSpec.DefaultNinePMsize)
{
    /// <summary>The tag of the root share.</summary>
    public const string RootTag = "rootfs";

    /// <summary>True for the share that is the guest's "/".</summary>
    public bool IsRoot => GuestPath == "/";
}
