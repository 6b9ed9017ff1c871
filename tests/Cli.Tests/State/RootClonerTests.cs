using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

public sealed class RootClonerTests
{
    private readonly RecordingProgress _progress = new();
    private readonly CliWrapCommandRunner _runner;

    public RootClonerTests() => _runner = new CliWrapCommandRunner(_progress);

    [RequiresFact("cp", "chown", Root = true, Timeout = 60_000)]
    public async Task A_copy_keeps_links_modes_and_owners()
    {
        using var temp = new TempFolder();
        var source = Directory.CreateDirectory(temp.Combine("base")).FullName;
        File.SetUnixFileMode(source, Mode("755"));
        Directory.CreateDirectory(Path.Combine(source, "etc", "ssh"));
        await File.WriteAllTextAsync(Path.Combine(source, "etc", "ssh", "key"), "secret");
        File.SetUnixFileMode(Path.Combine(source, "etc", "ssh", "key"), Mode("600"));
        File.SetUnixFileMode(Path.Combine(source, "etc", "ssh"), Mode("700"));
        await File.WriteAllTextAsync(Path.Combine(source, "etc", "tool"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(source, "etc", "tool"), Mode("4755"));
        File.CreateSymbolicLink(Path.Combine(source, "vmlinuz"), "boot/vmlinuz-6.1");
        File.CreateSymbolicLink(Path.Combine(source, "passwd"), "/etc/passwd");
        await _runner.RunAsync(new CommandSpec("chown", "-h", "1234:5678", Path.Combine(source, "etc", "ssh", "key"), Path.Combine(source, "passwd")), CancellationToken.None);
        var destination = temp.Combine("machines", "m1");

        var method = await RootCloner.CloneAsync(source, destination, _runner, _progress, CancellationToken.None);

        Assert.Equal(RootCloner.Copy, method);
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(destination, "etc", "ssh", "key")));
        Assert.Equal(Mode("600"), File.GetUnixFileMode(Path.Combine(destination, "etc", "ssh", "key")));
        Assert.Equal(Mode("700"), File.GetUnixFileMode(Path.Combine(destination, "etc", "ssh")));
        Assert.Equal(Mode("4755"), File.GetUnixFileMode(Path.Combine(destination, "etc", "tool")));
        Assert.Equal(Mode("755"), File.GetUnixFileMode(destination));
        Assert.Equal("boot/vmlinuz-6.1", new FileInfo(Path.Combine(destination, "vmlinuz")).LinkTarget);
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(destination, "passwd")).LinkTarget);
        var owners = await _runner.RunAsync(new CommandSpec("stat", "-c", "%u:%g", Path.Combine(destination, "etc", "ssh", "key"), Path.Combine(destination, "passwd")), CancellationToken.None);
        Assert.Equal("1234:5678\n1234:5678\n", owners.StandardOutput);
        Assert.Contains("stage: Cloning root filesystem (copy)", _progress.Lines);
        Assert.Contains("done: Cloning root filesystem (copy)", _progress.Lines);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failed_copy_leaves_no_partial_destination()
    {
        using var temp = new TempFolder();
        var source = Directory.CreateDirectory(temp.Combine("base")).FullName;
        await File.WriteAllTextAsync(Path.Combine(source, "file"), "x");
        var destination = temp.Combine("machines", "m1");
        var runner = new FailAfterRunning("cp", new CliWrapCommandRunner(_progress, new CommandRunnerOptions { RunningAsRoot = true }));

        await Assert.ThrowsAsync<CommandFailedException>(() => RootCloner.CloneAsync(source, destination, runner, _progress, CancellationToken.None));

        Assert.True(runner.Ran);
        Assert.False(Directory.Exists(destination));
        Assert.True(Directory.Exists(temp.Combine("machines")));
        Assert.Contains("failed: Cloning root filesystem (copy)", _progress.Lines);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_existing_destination_is_refused_and_left_alone()
    {
        using var temp = new TempFolder();
        var source = Directory.CreateDirectory(temp.Combine("base")).FullName;
        var destination = Directory.CreateDirectory(temp.Combine("m1")).FullName;
        await File.WriteAllTextAsync(Path.Combine(destination, "mine"), "x");

        await Assert.ThrowsAsync<DisklessException>(() => RootCloner.CloneAsync(source, destination, _runner, _progress, CancellationToken.None));

        Assert.True(File.Exists(Path.Combine(destination, "mine")));
    }

    [RequiresFact("mkfs.btrfs", "btrfs", "mount", "truncate", Root = true, Timeout = 120_000)]
    public async Task A_btrfs_subvolume_is_snapshotted_and_the_snapshot_removed_as_a_subvolume()
    {
        using var temp = new TempFolder();
        var image = temp.Combine("btrfs.img");
        var mount = Directory.CreateDirectory(temp.Combine("mnt")).FullName;
        await _runner.RunAsync(new CommandSpec("truncate", "-s", "256M", image), CancellationToken.None);
        await _runner.RunAsync(new CommandSpec("mkfs.btrfs", "-q", image), CancellationToken.None);
        await _runner.RunAsync(new CommandSpec("mount", "-o", "loop", image, mount), CancellationToken.None);
        try
        {
            var source = Path.Combine(mount, "base");
            await _runner.RunAsync(new CommandSpec("btrfs", "subvolume", "create", source), CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(source, "hostname"), "base\n");
            File.CreateSymbolicLink(Path.Combine(source, "link"), "hostname");
            var machines = Path.Combine(mount, "machines");
            var destination = Path.Combine(machines, "m1");

            var method = await RootCloner.CloneAsync(source, destination, _runner, _progress, CancellationToken.None);

            Assert.Equal(RootCloner.Snapshot, method);
            Assert.Equal("base\n", await File.ReadAllTextAsync(Path.Combine(destination, "link")));
            var inode = await _runner.RunAsync(new CommandSpec("stat", "-c", "%i", destination), CancellationToken.None);
            Assert.Equal("256", inode.StandardOutput.Trim());

            var removal = await FolderRemover.RemoveAsync(destination, machines, _runner, CancellationToken.None);

            Assert.Equal(RemovalMethod.BtrfsSubvolume, removal.Method);
            Assert.False(Directory.Exists(destination));
            Assert.True(File.Exists(Path.Combine(source, "hostname")));
        }
        finally
        {
            await _runner.RunAsync(new CommandSpec("umount", mount), CancellationToken.None);
        }
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    /// <summary>Runs commands for real, then fails the named one after it ran: a copy that broke halfway.</summary>
    private sealed class FailAfterRunning(string program, ICommandRunner inner) : ICommandRunner
    {
        public bool Ran { get; private set; }

        public async Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
        {
            var result = await inner.RunAsync(command, cancellationToken);
            if (command.FileName == program)
            {
                Ran = true;
                throw new CommandFailedException(command, 1, ["cp: error writing: No space left on device"]);
            }

            return result;
        }

        public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken) =>
            inner.StartDetachedAsync(command, logPath, cancellationToken);
    }
}
