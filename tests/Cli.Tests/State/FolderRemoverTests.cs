using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

public sealed class FolderRemoverTests
{
    // Temp files belong to the test's own user: no sudo needed to remove them.
    private readonly CliWrapCommandRunner _runner = new(new RecordingProgress(), new CommandRunnerOptions { RunningAsRoot = true });

    [Fact(Timeout = 30_000)]
    public async Task A_folder_outside_the_allowed_parent_is_refused()
    {
        using var temp = new TempFolder();
        var machines = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var other = Directory.CreateDirectory(temp.Combine("other")).FullName;

        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(other, machines, _runner, CancellationToken.None));
        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(machines + "/../other", machines, _runner, CancellationToken.None));
        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(machines, machines, _runner, CancellationToken.None));
        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(machines + "/", machines, _runner, CancellationToken.None));

        Assert.True(Directory.Exists(other));
        Assert.True(Directory.Exists(machines));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_path_that_leaves_the_parent_through_a_link_is_refused()
    {
        using var temp = new TempFolder();
        var machines = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var victim = Directory.CreateDirectory(temp.Combine("outside", "victim")).FullName;
        File.CreateSymbolicLink(Path.Combine(machines, "escape"), temp.Combine("outside"));

        await Assert.ThrowsAsync<DisklessException>(() => FolderRemover.RemoveAsync(Path.Combine(machines, "escape", "victim"), machines, _runner, CancellationToken.None));

        Assert.True(Directory.Exists(victim));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_link_inside_the_folder_is_removed_without_touching_its_target()
    {
        using var temp = new TempFolder();
        var machines = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var root = Directory.CreateDirectory(Path.Combine(machines, "m1", "etc")).Parent!.FullName;
        var outside = Directory.CreateDirectory(temp.Combine("outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "precious"), "keep me");
        File.CreateSymbolicLink(Path.Combine(root, "home"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "etc", "precious"), Path.Combine(outside, "precious"));

        var removal = await FolderRemover.RemoveAsync(root, machines, _runner, CancellationToken.None);

        Assert.Equal(new FolderRemoval(root, RemovalMethod.Removed, []), removal with { Unmounted = [] });
        Assert.False(Directory.Exists(root));
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(outside, "precious")));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_folder_that_is_itself_a_link_loses_only_the_link()
    {
        using var temp = new TempFolder();
        var machines = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var outside = Directory.CreateDirectory(temp.Combine("outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "precious"), "keep me");
        var link = Path.Combine(machines, "m1");
        File.CreateSymbolicLink(link, outside);

        var removal = await FolderRemover.RemoveAsync(link, machines, _runner, CancellationToken.None);

        Assert.Equal(RemovalMethod.SymbolicLink, removal.Method);
        Assert.False(File.Exists(link) || Directory.Exists(link));
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(outside, "precious")));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_missing_folder_is_nothing_to_do()
    {
        using var temp = new TempFolder();

        var removal = await FolderRemover.RemoveAsync(temp.Combine("m1"), temp.Path, _runner, CancellationToken.None);

        Assert.Equal(RemovalMethod.NothingThere, removal.Method);
    }

    [RequiresFact("mount", "umount", Root = true, Timeout = 30_000)]
    public async Task A_bind_mount_inside_is_unmounted_and_what_it_showed_survives()
    {
        using var temp = new TempFolder();
        var machines = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var mountPoint = Directory.CreateDirectory(Path.Combine(machines, "m1", "srv", "data")).FullName;
        var nested = Directory.CreateDirectory(Path.Combine(machines, "m1", "proc")).FullName;
        var outside = Directory.CreateDirectory(temp.Combine("outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "precious"), "keep me");
        await _runner.RunAsync(new CommandSpec("mount", "--bind", outside, mountPoint), CancellationToken.None);
        await _runner.RunAsync(new CommandSpec("mount", "-t", "proc", "proc", nested), CancellationToken.None);
        try
        {
            var removal = await FolderRemover.RemoveAsync(Path.Combine(machines, "m1"), machines, _runner, CancellationToken.None);

            Assert.Equal(RemovalMethod.Removed, removal.Method);
            Assert.Equal([mountPoint, nested], removal.Unmounted); // deepest first
            Assert.False(Directory.Exists(Path.Combine(machines, "m1")));
            Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(outside, "precious")));
        }
        finally
        {
            foreach (var mount in MountTable.Under(machines))
            {
                await _runner.RunAsync(new CommandSpec("umount", "-l", mount.MountPoint), CancellationToken.None);
            }
        }
    }

    [RequiresFact("mount", "umount", Root = true, Timeout = 30_000)]
    public async Task Unmounting_a_shared_recursive_bind_inside_does_not_unmount_the_original()
    {
        // What a chroot that died between `mount --rbind /dev` and `--make-rslave` leaves behind, on a stand-in /dev.
        using var temp = new TempFolder();
        var machines = Directory.CreateDirectory(temp.Combine("machines")).FullName;
        var hostDev = Directory.CreateDirectory(temp.Combine("dev")).FullName;
        var guestDev = Directory.CreateDirectory(Path.Combine(machines, "m1", "dev")).FullName;
        await Run("mount", "-t", "tmpfs", "tmpfs", hostDev);
        try
        {
            await Run("mount", "--make-shared", hostDev);
            Directory.CreateDirectory(Path.Combine(hostDev, "pts"));
            await Run("mount", "-t", "tmpfs", "tmpfs", Path.Combine(hostDev, "pts"));
            await File.WriteAllTextAsync(Path.Combine(hostDev, "pts", "precious"), "keep me");
            await Run("mount", "--rbind", hostDev, guestDev);

            var removal = await FolderRemover.RemoveAsync(Path.Combine(machines, "m1"), machines, _runner, CancellationToken.None);

            Assert.Equal([guestDev + "/pts", guestDev], removal.Unmounted);
            Assert.Contains(MountTable.Read(), m => m.MountPoint == Path.Combine(hostDev, "pts"));
            Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(hostDev, "pts", "precious")));
        }
        finally
        {
            foreach (var mount in MountTable.Under(temp.Path))
            {
                await _runner.RunAsync(new CommandSpec("umount", "-l", mount.MountPoint) { SuccessExitCodes = [0, 32] }, CancellationToken.None);
            }
        }
    }

    private Task<CommandResult> Run(string program, params string[] arguments) =>
        _runner.RunAsync(new CommandSpec(program, arguments), CancellationToken.None);
}
