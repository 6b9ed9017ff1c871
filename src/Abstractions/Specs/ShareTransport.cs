namespace Diskless.Abstractions;

/// <summary>How a host folder reaches the guest.</summary>
public enum ShareTransport
{
    /// <summary>virtiofs through virtiofsd (needs shared guest memory). Fast metadata.</summary>
    VirtioFs,

    /// <summary>9p (virtio-9p) served by QEMU itself. No helper process.</summary>
    NineP,
}
