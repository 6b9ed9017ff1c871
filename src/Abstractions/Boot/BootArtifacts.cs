namespace Diskless.Abstractions;

/// <summary>What a provider boots: real files (links resolved) inside the machine root, and the command line.</summary>
/// <param name="KernelPath">Absolute host path of the kernel image.</param>
/// <param name="InitrdPath">Absolute host path of the initramfs.</param>
/// <param name="KernelCommandLine">The full kernel command line, root= and console= included.</param>
public sealed record BootArtifacts(string KernelPath, string InitrdPath, string KernelCommandLine);
