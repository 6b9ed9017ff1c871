using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests;

public class BootDiagnosticsTests
{
    private static readonly InitramfsHints Debian = new("/etc/initramfs-tools/modules", "sudo update-initramfs -u");
    private static readonly InitramfsHints Arch = new("MODULES in /etc/mkinitcpio.conf", "sudo mkinitcpio -P");

    [Fact]
    public void A_missing_virtiofs_module_is_blamed_on_the_initramfs()
    {
        string[] console =
        [
            ":: running early hook [udev]",
            "Starting systemd-udevd version 256.7-1-arch",
            ":: running hook [udev]",
            ":: Triggering uevents...",
            ":: mounting 'rootfs' on real root",
            "mount: /new_root: unknown filesystem type 'virtiofs'.",
            "       dmesg(1) may have more information after failed mount system call.",
            "You are now being dropped into an emergency shell.",
            "sh: can't access tty; job control turned off",
            "[rootfs ]# ",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("virtiofs module is missing", failure.Problem, StringComparison.Ordinal);
        // The host rebuilds no initramfs once the guest has run, so reload cannot be the cure: the guest is.
        Assert.Contains("sudo update-initramfs -u", failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("reload", failure.Hint, StringComparison.Ordinal);
        Assert.Equal(console, failure.LastLines);
    }

    [Fact]
    public void A_missing_9p_module_is_blamed_on_the_initramfs()
    {
        string[] console =
        [
            ":: mounting 'rootfs' on real root",
            "mount: /new_root: unknown filesystem type '9p'.",
            "You are now being dropped into an emergency shell.",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("9p modules are missing", failure.Problem, StringComparison.Ordinal);
        // The host rebuilds no initramfs once the guest has run, so reload cannot be the cure: the guest is.
        Assert.Contains("sudo update-initramfs -u", failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("reload", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Initramfs_tools_failing_to_mount_the_share_points_at_the_modules_list()
    {
        string[] console =
        [
            "Begin: Mounting root file system ... Begin: Running /scripts/local-top ... done.",
            "Begin: Running /scripts/local-premount ... done.",
            "mount: mounting rootfs on /root failed: No such device",
            "Failed to mount rootfs as root file system.",
            "(initramfs) ",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("module", failure.Problem, StringComparison.Ordinal);
        Assert.Contains("/etc/initramfs-tools/modules", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_panic_about_the_root_fs_is_reported_as_the_mount_failure_not_as_a_bare_panic()
    {
        string[] console =
        [
            "[    2.345678] VFS: Cannot open root device \"rootfs\" or unknown-block(0,0): error -6",
            "[    2.346012] Please append a correct \"root=\" boot option; here are the available partitions:",
            "[    2.347200] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
            "[    2.347900] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-27-amd64 #1  Debian 6.1.115-1",
            "[    2.348500] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Equal("the kernel could not mount the root filesystem", failure.Problem);
    }

    [Fact]
    public void A_root_without_init_is_recognised()
    {
        string[] console =
        [
            "[    3.100000] Run /sbin/init as init process",
            "[    3.103000] Run /bin/sh as init process",
            "[    3.104000] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance.",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("no usable init", failure.Problem, StringComparison.Ordinal);
        Assert.Contains("diskless destroy", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void An_init_that_fails_to_execute_is_recognised()
    {
        string[] console =
        [
            "[    3.200000] Failed to execute /sbin/init (error -2)",
            "[    3.210000] Kernel panic - not syncing: No working init found.",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("init", failure.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Waiting_for_a_block_device_says_the_tag_was_taken_for_a_disk()
    {
        string[] console =
        [
            "Begin: Waiting for root file system ... Begin: Running /scripts/local-block ... done.",
            "done.",
            "Gave up waiting for root file system device.  Common problems:",
            " - Boot args (cat /proc/cmdline)",
            "   - Check rootdelay= (did the system wait long enough?)",
            " - Missing modules (cat /proc/modules; ls /dev)",
            "ALERT!  /dev/rootfs does not exist.  Dropping to a shell!",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("block device", failure.Problem, StringComparison.Ordinal);
        Assert.Contains("rootfstype=", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Symlink_loops_on_9p_blame_the_mapped_xattr_security_model()
    {
        string[] console =
        [
            "Begin: Running /scripts/init-bottom ... done.",
            "run-init: can't execute '/sbin/init': Too many symbolic links",
            "[    5.120000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100",
        ];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Contains("mapped-xattr", failure.Problem, StringComparison.Ordinal);
        Assert.Contains("passthrough", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_other_panic_is_still_a_failure()
    {
        string[] console = ["[    1.000000] Kernel panic - not syncing: Fatal exception in interrupt"];

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Equal("the guest kernel panicked", failure.Problem);
    }

    [Fact]
    public void A_normal_boot_is_not_a_failure()
    {
        string[] console =
        [
            "[  OK  ] Started ssh.service - OpenBSD Secure Shell server.",
            "[  OK  ] Reached target multi-user.target - Multi-User System.",
            "Debian GNU/Linux 12 dev ttyS0",
            "dev login: ",
        ];

        Assert.Null(BootDiagnostics.Recognize(console, Debian));
    }

    [Fact]
    public void A_failure_carries_only_the_last_lines()
    {
        var console = Enumerable.Range(1, 100).Select(i => $"line {i}").Append("Kernel panic - not syncing: oops").ToList();

        var failure = BootDiagnostics.Recognize(console, Debian);

        Assert.NotNull(failure);
        Assert.Equal(BootDiagnostics.TailLines, failure.LastLines.Count);
        Assert.Equal("Kernel panic - not syncing: oops", failure.LastLines[^1]);
    }

    [Fact]
    public void The_hints_are_in_the_distros_words_so_an_arch_guest_is_not_told_to_run_update_initramfs()
    {
        string[] console = ["mount: /new_root: unknown filesystem type 'virtiofs'."];

        var failure = BootDiagnostics.Recognize(console, Arch);

        Assert.NotNull(failure);
        Assert.Contains("(MODULES in /etc/mkinitcpio.conf)", failure.Hint, StringComparison.Ordinal);
        Assert.Contains("run `sudo mkinitcpio -P` in the guest", failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("update-initramfs", failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("initramfs-tools", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_distros_hints_no_distros_command_is_named()
    {
        string[] console = ["mount: /new_root: unknown filesystem type '9p'."];

        var failure = BootDiagnostics.Recognize(console, hints: null);

        Assert.NotNull(failure);
        Assert.Contains("rebuild the initramfs in the guest", failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("update-initramfs", failure.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("mkinitcpio", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_machines_console_is_read_from_its_handle_in_the_words_of_its_hints()
    {
        using var folder = new TempDirectory("diskless-diagnosis-");
        var log = folder.Combine("console.log");
        await File.WriteAllTextAsync(log, "[    1.0] booting\r\n\u001b[0;31mmount: /new_root: unknown filesystem type 'virtiofs'.\u001b[0m\n");
        var handle = new MachineHandle("dev", "0b7e4c", folder.Path, folder.Path, log, new Dictionary<string, string>()) { Initramfs = Arch };

        var failure = await BootDiagnostics.ReadAsync(handle, CancellationToken.None);

        Assert.NotNull(failure);
        Assert.Contains("virtiofs module is missing", failure.Problem, StringComparison.Ordinal);
        Assert.Contains("sudo mkinitcpio -P", failure.Hint, StringComparison.Ordinal);
        Assert.Equal(["[    1.0] booting", "mount: /new_root: unknown filesystem type 'virtiofs'."], failure.LastLines);
        Assert.Null(await BootDiagnostics.ReadAsync(handle with { ConsoleLogPath = folder.Combine("none.log") }, CancellationToken.None));
    }

    [Fact]
    public void A_status_detail_gains_the_cause_and_its_hint_only_when_one_is_recognised()
    {
        var failure = new BootFailure("the guest kernel panicked", "Read the console.", []);

        Assert.Equal("qemu exited; the guest kernel panicked. Read the console.", BootDiagnostics.Describe("qemu exited", failure));
        Assert.Equal("qemu exited", BootDiagnostics.Describe("qemu exited", null));
    }
}
