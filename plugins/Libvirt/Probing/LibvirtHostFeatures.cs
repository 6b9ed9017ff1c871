namespace Diskless.Plugins.Libvirt;

/// <summary>What the probe found on this host, as data for the planner.</summary>
/// <param name="Virsh">The virsh program.</param>
/// <param name="UseKvm">Whether the domain is type='kvm' (the shared KVM rule), else type='qemu' (TCG).</param>
/// <param name="Virtiofsd">The virtiofsd libvirt is told to start; null when none is installed.</param>
/// <param name="Passt">Whether user-mode networking is a passt interface (<see cref="PasstProbe"/>), else QEMU's own in &lt;qemu:commandline&gt;.</param>
public sealed record LibvirtHostFeatures(string Virsh, bool UseKvm, string? Virtiofsd, bool Passt = false);
