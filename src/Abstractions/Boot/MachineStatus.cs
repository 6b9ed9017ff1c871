namespace Diskless.Abstractions;

/// <summary>The lifecycle state of a machine.</summary>
public enum MachineState
{
    /// <summary>No machine exists (never created, or destroyed).</summary>
    NotCreated,

    /// <summary>Created and not running.</summary>
    Stopped,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Expected to run but its process is gone or the guest panicked.</summary>
    Crashed,
}

/// <summary>What a provider knows about a machine right now.</summary>
/// <param name="State">The state.</param>
/// <param name="Detail">A short explanation, e.g. "qemu pid 1234" or "qemu exited unexpectedly".</param>
/// <param name="ConsoleTail">The last lines of the console log when they help (crashed); empty otherwise.</param>
/// <param name="VmName">What the provider's own tools call the machine (a libvirt domain name for virsh); null when they have no name for it.</param>
/// <param name="Failure">
/// Why the guest cannot boot, as its console shows (in any state: a guest stuck in its initramfs still runs); null when
/// the console shows nothing known. The host ends its wait for SSH with it.
/// </param>
/// <param name="Descriptors">Each running helper's open descriptors against its limit; null when the provider does not read them.</param>
public sealed record MachineStatus(
    MachineState State,
    string? Detail = null,
    IReadOnlyList<string>? ConsoleTail = null,
    string? VmName = null,
    BootFailure? Failure = null,
    IReadOnlyList<DescriptorUse>? Descriptors = null);
