using Diskless.ProviderSupport;

namespace Diskless.Plugins.QemuDirect;

/// <summary>What the probe found on this host; the planners take it as plain data.</summary>
/// <param name="QemuBinary">Absolute path of qemu-system-x86_64.</param>
/// <param name="QemuVersion">Its version ("7.2.22"), for messages; null when unknown.</param>
/// <param name="UseKvm">KVM really works here (or the user forced it); otherwise TCG.</param>
/// <param name="Sandbox">QEMU was built with seccomp, so <c>-sandbox</c> is accepted.</param>
/// <param name="Virtiofsd">The virtiofsd to serve virtiofs shares; null when none is installed.</param>
/// <param name="MachineProperties">The properties this QEMU's q35 machine type accepts ("sata", "i8042", …): older
/// versions lack some of the switches the planner turns off.</param>
/// <param name="MountNamespace">unshare and mount, which keep a read-only virtiofs share read-only on the host; null
/// when either is missing (a read-only virtiofs share is then refused).</param>
/// <param name="Setpriv">util-linux setpriv, which starts QEMU without capabilities in a user namespace; null when missing.</param>
/// <param name="VirtiofsdLimit">The open-file limit each virtiofsd runs with (<see cref="VirtiofsdDescriptors.Planned"/>); null when unknown.</param>
/// <param name="Prlimit">util-linux prlimit, which sets <paramref name="VirtiofsdLimit"/> around virtiofsd; null when missing (virtiofsd then inherits Diskless's own).</param>
public sealed record QemuHostFeatures(
    string QemuBinary,
    string? QemuVersion,
    bool UseKvm,
    bool Sandbox,
    VirtiofsdInfo? Virtiofsd,
    IReadOnlySet<string> MachineProperties,
    MountNamespaceTools? MountNamespace = null,
    string? Setpriv = null,
    DescriptorLimit? VirtiofsdLimit = null,
    string? Prlimit = null);
