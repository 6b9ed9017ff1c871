namespace Diskless.ProviderSupport;

/// <summary>The kernel QEMU is to boot, and why that one.</summary>
/// <param name="Path">The unpacked ELF in the cache, or the kernel as the boot plan gave it.</param>
/// <param name="Pvh">True when <paramref name="Path"/> is the unpacked ELF, booted through QEMU's PVH entry.</param>
/// <param name="Reason">For people: what was done, or why the kernel boots as given.</param>
/// <param name="IsWarning">The kernel boots as given because of a problem the user should fix (the cache cannot be written).</param>
public sealed record KernelChoice(string Path, bool Pvh, string Reason, bool IsWarning = false);
