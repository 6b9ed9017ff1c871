namespace Diskless.ProviderSupport;

/// <summary>A virtiofsd program and which command-line dialect it speaks.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Flavour">Rust (<c>--shared-dir</c>) or the older C one shipped with QEMU (<c>-o source=</c>).</param>
public sealed record VirtiofsdInfo(string Path, VirtiofsdFlavour Flavour);

/// <summary>The two virtiofsd implementations, which take different flags.</summary>
public enum VirtiofsdFlavour
{
    /// <summary>The Rust virtiofsd (gitlab.com/virtio-fs/virtiofsd): <c>--shared-dir D --socket-path S</c>.</summary>
    Rust,

    /// <summary>The C virtiofsd that QEMU up to 8.0 shipped (Debian 12: /usr/lib/qemu/virtiofsd): <c>-o source=D</c>.</summary>
    LegacyC,
}
