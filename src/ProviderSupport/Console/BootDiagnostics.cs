using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Recognises the ways a diskless guest fails to boot from the last lines of its serial console
/// (<see cref="LogTail.ReadAsync"/>), with hints in its distro's words (<see cref="InitramfsHints"/>). Every provider's
/// status names the cause through it (<see cref="MachineStatus.Failure"/>), and the host learns it from there.
/// </summary>
public static class BootDiagnostics
{
    /// <summary>How many console lines a failure carries.</summary>
    public const int TailLines = 25;

    /// <summary>How many console lines are searched: a cause is often printed a little above the panic it leads to.</summary>
    public const int SearchedLines = 40;

    private const string Reload = "`diskless reload` writes the fstab and the kernel command line again.";

    // Order matters: the specific cause is printed before the generic "Kernel panic" it leads to.
    private static readonly (string Needle, string Problem, Func<InitramfsHints?, string> Hint)[] Patterns =
    [
        ("unknown filesystem type 'virtiofs'",
            "the guest's initramfs cannot mount a virtiofs root: the virtiofs module is missing from it",
            hints => $"The module must be listed in the initramfs{ModulesList(hints)}. " + RebuildInitramfs(hints)),
        ("unknown filesystem type '9p'",
            "the guest's initramfs cannot mount a 9p root: the 9p modules are missing from it",
            hints => "9p, 9pnet and 9pnet_virtio must be in the initramfs. " + RebuildInitramfs(hints)),
        ("as root file system",
            "the initramfs could not mount the root share; its filesystem module (virtiofs or 9p) is probably missing from the initramfs",
            hints => $"The module must be listed in the initramfs{ModulesList(hints)}. " + RebuildInitramfs(hints)),
        ("Too many symbolic links",
            "the 9p root cannot be read: the share is probably exported with security_model=mapped-xattr, which hides the host's symlinks",
            _ => "A root tree built on the host needs security_model=passthrough; use the qemu provider's default or set [share] transport = \"virtiofs\"."),
        ("Gave up waiting for root file system device",
            "the initramfs waited for a block device: the root= tag was taken for a disk",
            _ => "The kernel command line needs rootfstype=virtiofs (or 9p) next to root=<tag>. " + Reload),
        ("No working init found",
            "the root filesystem mounted but holds no usable init",
            _ => "The machine's root tree is incomplete (an interrupted build?). `diskless destroy` then `diskless up` rebuilds it."),
        ("No init found",
            "the root filesystem mounted but holds no usable init",
            _ => "The machine's root tree is incomplete (an interrupted build?). `diskless destroy` then `diskless up` rebuilds it."),
        ("Failed to execute /sbin/init",
            "the root filesystem mounted but /sbin/init does not run",
            _ => "The machine's root tree is incomplete or systemd is missing. `diskless destroy` then `diskless up` rebuilds it."),
        ("VFS: Unable to mount root fs",
            "the kernel could not mount the root filesystem",
            _ => "Check root=, rootfstype= and the share's tag in the console log. " + Reload),
        ("Kernel panic",
            "the guest kernel panicked",
            _ => "The console lines above the panic say why; `diskless reload` retries with a freshly configured root."),
    ];

    /// <summary>
    /// The failure the console shows, or null when nothing known is wrong (yet). <paramref name="hints"/>: the
    /// distro's; null when the host did not ask it (the hint then names no distro's files or commands).
    /// </summary>
    public static BootFailure? Recognize(IReadOnlyList<string> consoleTail, InitramfsHints? hints)
    {
        ArgumentNullException.ThrowIfNull(consoleTail);
        foreach (var (needle, problem, hint) in Patterns)
        {
            if (consoleTail.Any(line => line.Contains(needle, StringComparison.Ordinal)))
            {
                return new BootFailure(problem, hint(hints), [.. consoleTail.TakeLast(TailLines)]);
            }
        }

        return null;
    }

    /// <summary>The failure the machine's console shows (<see cref="MachineHandle.ConsoleLogPath"/>, in the words of <see cref="MachineHandle.Initramfs"/>); null when none.</summary>
    public static async Task<BootFailure?> ReadAsync(MachineHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var tail = await LogTail.ReadAsync(handle.ConsoleLogPath, SearchedLines, cancellationToken).ConfigureAwait(false);
        return Recognize(tail, handle.Initramfs);
    }

    /// <summary>A status detail with the recognised cause and its hint appended; <paramref name="detail"/> itself when there is none.</summary>
    public static string Describe(string detail, BootFailure? failure) =>
        failure is null ? detail : $"{detail}; {failure.Problem}. {failure.Hint}";

    private static string ModulesList(InitramfsHints? hints) => hints is null ? "" : $" ({hints.ModulesList})";

    // Once a guest has run, the host never rebuilds its initramfs (no program of the guest's runs on the host), so
    // only the guest can: every initramfs diskless builds holds both transports, an older one may not.
    private static string RebuildInitramfs(InitramfsHints? hints) =>
        $"Boot the machine with the transport its initramfs was built for ([share] transport), {(hints is null ? "rebuild the initramfs" : $"run `{hints.RebuildCommand}`")} in the guest, then switch.";
}
