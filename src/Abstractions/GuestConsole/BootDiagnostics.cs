namespace Diskless.Abstractions;

/// <summary>
/// Recognises the ways a diskless guest fails to boot from the last lines of its serial console
/// (<see cref="LogTail.ReadAsync"/>). Here, not in the host, so that a provider can name the cause too.
/// </summary>
public static class BootDiagnostics
{
    /// <summary>How many console lines a failure carries.</summary>
    public const int TailLines = 25;

    private const string Reload = "`diskless reload` writes the fstab and the kernel command line again.";

    // Once a guest has run, the host never rebuilds its initramfs (no program of the guest's runs on the host), so
    // only the guest can: every initramfs diskless builds holds both transports, an older one may not.
    private const string RebuildInitramfs =
        "Boot the machine with the transport its initramfs was built for ([share] transport), run `sudo update-initramfs -u` in the guest, then switch.";

    // Order matters: the specific cause is printed before the generic "Kernel panic" it leads to.
    private static readonly (string Needle, string Problem, string Hint)[] Patterns =
    [
        ("unknown filesystem type 'virtiofs'",
            "the guest's initramfs cannot mount a virtiofs root: the virtiofs module is missing from it",
            "The module must be listed in the initramfs (Debian: /etc/initramfs-tools/modules, Arch: MODULES in mkinitcpio.conf). " + RebuildInitramfs),
        ("unknown filesystem type '9p'",
            "the guest's initramfs cannot mount a 9p root: the 9p modules are missing from it",
            "9p, 9pnet and 9pnet_virtio must be in the initramfs. " + RebuildInitramfs),
        ("as root file system",
            "the initramfs could not mount the root share; its filesystem module (virtiofs or 9p) is probably missing from the initramfs",
            "The module must be listed in the initramfs (Debian: /etc/initramfs-tools/modules). " + RebuildInitramfs),
        ("Too many symbolic links",
            "the 9p root cannot be read: the share is probably exported with security_model=mapped-xattr, which hides the host's symlinks",
            "A root tree built on the host needs security_model=passthrough; use the qemu provider's default or set [share] transport = \"virtiofs\"."),
        ("Gave up waiting for root file system device",
            "the initramfs waited for a block device: the root= tag was taken for a disk",
            "The kernel command line needs rootfstype=virtiofs (or 9p) next to root=<tag>. " + Reload),
        ("No working init found",
            "the root filesystem mounted but holds no usable init",
            "The machine's root tree is incomplete (an interrupted build?). `diskless destroy` then `diskless up` rebuilds it."),
        ("No init found",
            "the root filesystem mounted but holds no usable init",
            "The machine's root tree is incomplete (an interrupted build?). `diskless destroy` then `diskless up` rebuilds it."),
        ("Failed to execute /sbin/init",
            "the root filesystem mounted but /sbin/init does not run",
            "The machine's root tree is incomplete or systemd is missing. `diskless destroy` then `diskless up` rebuilds it."),
        ("VFS: Unable to mount root fs",
            "the kernel could not mount the root filesystem",
            "Check root=, rootfstype= and the share's tag in the console log. " + Reload),
        ("Kernel panic",
            "the guest kernel panicked",
            "The console lines above the panic say why; `diskless reload` retries with a freshly configured root."),
    ];

    /// <summary>The failure the console shows, or null when nothing known is wrong (yet).</summary>
    public static BootFailure? Recognize(IReadOnlyList<string> consoleTail)
    {
        ArgumentNullException.ThrowIfNull(consoleTail);
        foreach (var (needle, problem, hint) in Patterns)
        {
            if (consoleTail.Any(line => line.Contains(needle, StringComparison.Ordinal)))
            {
                return new BootFailure(problem, hint, [.. consoleTail.TakeLast(TailLines)]);
            }
        }

        return null;
    }
}
