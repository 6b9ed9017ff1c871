using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Processes;

public sealed class ChrootTests
{
    private readonly CliWrapCommandRunner _runner = new(new RecordingProgress());

    [RequiresFact("chroot", "mount", "busybox", "ldd", Root = true, Timeout = 60_000)]
    public async Task A_command_inside_sees_proc_sys_and_dev_and_nothing_stays_mounted()
    {
        await using var root = await TinyRoot.CreateAsync();

        var result = await new Chroot(_runner).RunAsync(root.Path, new CommandSpec("/bin/cat", "/proc/self/mounts"), CancellationToken.None);

        Assert.Contains(" /proc proc ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(" /sys sysfs ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(" /dev/pts devpts ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(MountTable.Under(root.Path));
        Assert.Contains(MountTable.Read(), m => m.MountPoint == "/dev/pts");
    }

    [RequiresFact("chroot", "mount", "busybox", "ldd", Root = true, Timeout = 60_000)]
    public async Task A_failing_command_still_leaves_nothing_mounted()
    {
        await using var root = await TinyRoot.CreateAsync();

        var error = await Assert.ThrowsAsync<CommandFailedException>(() =>
            new Chroot(_runner).RunAsync(root.Path, new CommandSpec("/bin/sh", "-c", "echo broken; exit 7"), CancellationToken.None));

        Assert.Equal(7, error.CommandExitCode);
        Assert.Equal(["broken"], error.OutputTail);
        Assert.Empty(MountTable.Under(root.Path));
        Assert.Contains(MountTable.Read(), m => m.MountPoint == "/dev/pts");
    }

    [RequiresFact("chroot", "mount", "busybox", "ldd", Root = true, Timeout = 60_000)]
    public async Task Cancelling_a_running_command_stops_it_and_unmounts()
    {
        await using var root = await TinyRoot.CreateAsync();
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var run = new Chroot(_runner).RunAsync(
            root.Path,
            new CommandSpec("/bin/sh", "-c", "echo started; exec sleep 600") { OnOutputLine = _ => started.TrySetResult() },
            cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotEmpty(MountTable.Under(root.Path));

        await cancel.CancelAsync();

        // Stopping takes a signal (or the runner's 5 s grace at worst); the sleep alone would take ten minutes.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(40)));
        Assert.Empty(MountTable.Under(root.Path));
    }

    [Fact(Timeout = 10_000)]
    public async Task The_mounts_are_made_in_order_and_undone_in_reverse_even_when_the_command_fails()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-chroot-").FullName;
        try
        {
            var runner = new RecordingCommandRunner().Fail("chroot", 1, "boom");

            await Assert.ThrowsAsync<CommandFailedException>(() =>
                new Chroot(runner).RunAsync(folder, new CommandSpec("/usr/sbin/update-initramfs", "-u"), CancellationToken.None));

            // The fake mounted nothing, so nothing needs undoing: only the mount steps and the command appear.
            Assert.Equal(
                $"""
                [root] mount -t proc proc {folder}/proc
                [root] mount --rbind /sys {folder}/sys
                [root] mount --make-rslave {folder}/sys
                [root] mount --rbind /dev {folder}/dev
                [root] mount --make-rslave {folder}/dev
                [root] chroot {folder} /usr/sbin/update-initramfs -u

                """,
                runner.Transcript);
            Assert.Equal("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", runner.Commands[^1].Environment["PATH"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task The_host_root_and_a_missing_folder_are_refused()
    {
        var runner = new RecordingCommandRunner();

        await Assert.ThrowsAsync<DisklessException>(() => new Chroot(runner).RunAsync("/", new CommandSpec("/bin/true"), CancellationToken.None));
        await Assert.ThrowsAsync<DisklessException>(() => new Chroot(runner).RunAsync("/nonexistent/diskless-root", new CommandSpec("/bin/true"), CancellationToken.None));

        Assert.Empty(runner.Commands);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_link_to_the_host_root_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-chroot-").FullName;
        try
        {
            var link = Path.Combine(folder, "root");
            File.CreateSymbolicLink(link, "/");
            var runner = new RecordingCommandRunner();

            await Assert.ThrowsAsync<DisklessException>(() => new Chroot(runner).RunAsync(link, new CommandSpec("/bin/true"), CancellationToken.None));

            Assert.Empty(runner.Commands);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task A_mount_point_that_links_out_of_the_root_is_refused_before_anything_is_mounted()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-chroot-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "proc"));
            Directory.CreateDirectory(Path.Combine(folder, "sys"));
            File.CreateSymbolicLink(Path.Combine(folder, "dev"), "/tmp");
            var runner = new RecordingCommandRunner();

            var error = await Assert.ThrowsAsync<DisklessException>(() =>
                new Chroot(runner).RunAsync(folder, new CommandSpec("/bin/true"), CancellationToken.None));

            Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(runner.Commands, c => c.Arguments.Contains(folder + "/dev"));
            Assert.DoesNotContain(runner.Commands, c => c.FileName == "chroot");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
