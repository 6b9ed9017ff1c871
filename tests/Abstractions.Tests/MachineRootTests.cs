using Diskless.Abstractions;

namespace Diskless.Abstractions.Tests;

public sealed class MachineRootTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("diskless-root-").FullName;
    private readonly string _rootPath;
    private readonly string _outside;

    public MachineRootTests()
    {
        _rootPath = Directory.CreateDirectory(Path.Combine(_sandbox, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_sandbox, "outside")).FullName;
        Directory.CreateDirectory(Path.Combine(_rootPath, "etc"));
        Directory.CreateDirectory(Path.Combine(_rootPath, "boot"));
    }

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    [Fact]
    public void A_relative_link_resolves_to_the_real_file_inside_the_root()
    {
        File.WriteAllText(Path.Combine(_rootPath, "boot", "vmlinuz-6.1.0-28-amd64"), "kernel");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "vmlinuz"), "boot/vmlinuz-6.1.0-28-amd64");

        var resolved = new MachineRoot(_rootPath).Resolve("/vmlinuz");

        Assert.Equal(Path.Combine(_rootPath, "boot", "vmlinuz-6.1.0-28-amd64"), resolved);
    }

    [Fact]
    public void An_absolute_link_points_into_the_root_not_to_the_host()
    {
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "resolv.conf"), "/run/systemd/resolve/stub-resolv.conf");

        var resolved = new MachineRoot(_rootPath).Resolve("/etc/resolv.conf");

        Assert.Equal(Path.Combine(_rootPath, "run/systemd/resolve/stub-resolv.conf"), resolved);
    }

    [Fact]
    public void Dot_dot_stops_at_the_root()
    {
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "escape"), "../../../../" + _outside.TrimStart('/'));

        var root = new MachineRoot(_rootPath);

        Assert.Equal(Path.Combine(_rootPath, _outside.TrimStart('/')), root.Resolve("/etc/escape"));
        Assert.Equal(Path.Combine(_rootPath, "etc"), root.Resolve("/../../etc"));
    }

    [Fact]
    public async Task Writing_through_a_link_to_a_host_folder_stays_inside_the_root()
    {
        // A folder link whose absolute target names a real host folder: inside a chroot it means root/<that path>.
        Directory.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "conf.d"), _outside);

        await new MachineRoot(_rootPath).WriteFileAsync("/etc/conf.d/evil", "x", UnixFileMode.UserRead, CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(_outside, "evil")));
        Assert.True(File.Exists(Path.Combine(_rootPath, _outside.TrimStart('/'), "evil")));
    }

    [Fact]
    public async Task Writing_replaces_a_link_at_the_target_instead_of_writing_through_it()
    {
        var hostFile = Path.Combine(_outside, "hostname");
        File.WriteAllText(hostFile, "host-machine");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "hostname"), hostFile);

        await new MachineRoot(_rootPath).WriteFileAsync("/etc/hostname", "dev\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, CancellationToken.None);

        Assert.Equal("host-machine", File.ReadAllText(hostFile));
        var written = new FileInfo(Path.Combine(_rootPath, "etc", "hostname"));
        Assert.Null(written.LinkTarget);
        Assert.Equal("dev\n", File.ReadAllText(written.FullName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, File.GetUnixFileMode(written.FullName));
    }

    [Fact]
    public async Task Writing_creates_missing_parent_folders_and_leaves_no_temp_file()
    {
        var root = new MachineRoot(_rootPath);

        await root.WriteFileAsync("/etc/ssh/sshd_config.d/diskless.conf", "UseDNS no\n", UnixFileMode.UserRead | UnixFileMode.UserWrite, CancellationToken.None);

        var folder = Path.Combine(_rootPath, "etc/ssh/sshd_config.d");
        Assert.Equal(["diskless.conf"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_hang()
    {
        File.CreateSymbolicLink(Path.Combine(_rootPath, "a"), "/b");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "b"), "/a");

        Assert.Throws<IOException>(() => new MachineRoot(_rootPath).Resolve("/a"));
    }

    [Fact]
    public void Relative_guest_paths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new MachineRoot(_rootPath).Resolve("etc/hostname"));
    }

    [Fact]
    public void Deleting_a_link_removes_the_link_not_its_target()
    {
        var target = Path.Combine(_outside, "keep");
        File.WriteAllText(target, "keep");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "resume"), target);

        var deleted = new MachineRoot(_rootPath).DeleteFile("/etc/resume");

        Assert.True(deleted);
        Assert.True(File.Exists(target));
        Assert.False(new MachineRoot(_rootPath).DeleteFile("/etc/resume"));
    }

    [Fact]
    public async Task Writing_never_opens_what_lies_at_its_temp_path()
    {
        // The guest can leave anything beside the file: a link there to a host file must not be written through.
        var hostFile = Path.Combine(_outside, "shadow");
        File.WriteAllText(hostFile, "host secrets");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "passwd.diskless-tmp"), hostFile);

        await new MachineRoot(_rootPath).WriteFileAsync("/etc/passwd", "root:x:0:0::/root:/bin/sh\n", UnixFileMode.UserRead, CancellationToken.None);

        Assert.Equal("host secrets", File.ReadAllText(hostFile));
        Assert.Equal("root:x:0:0::/root:/bin/sh\n", File.ReadAllText(Path.Combine(_rootPath, "etc", "passwd")));
    }

    [Fact]
    public async Task Copying_replaces_a_link_at_the_target_instead_of_writing_through_it()
    {
        var hostFile = Path.Combine(_outside, "key");
        File.WriteAllText(hostFile, "host key");
        var source = Path.Combine(_sandbox, "source");
        File.WriteAllText(source, "pinned key");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "ssh_host_key"), hostFile);

        await new MachineRoot(_rootPath).CopyFileAsync(source, "/etc/ssh_host_key", UnixFileMode.UserRead, CancellationToken.None);

        Assert.Equal("host key", File.ReadAllText(hostFile));
        Assert.Equal("pinned key", File.ReadAllText(Path.Combine(_rootPath, "etc", "ssh_host_key")));
        Assert.Null(new FileInfo(Path.Combine(_rootPath, "etc", "ssh_host_key")).LinkTarget);
    }

    [Fact]
    public async Task Reading_never_opens_a_special_file_and_refuses_a_huge_one()
    {
        // A fifo (or a device node the guest made) has no size: reading it would block, or read a host device.
        var fifo = Path.Combine(_rootPath, "etc", "passwd");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        File.WriteAllBytes(Path.Combine(_rootPath, "etc", "group"), new byte[2048]);
        var root = new MachineRoot(_rootPath);

        var read = await root.ReadFileAsync("/etc/passwd", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var huge = await Assert.ThrowsAsync<DisklessException>(() => root.ReadFileAsync("/etc/group", 1024, CancellationToken.None));

        Assert.Equal("", read);
        Assert.Contains("/etc/group", huge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Giving_a_link_away_changes_the_link_and_never_its_target()
    {
        var target = Path.Combine(_outside, "keep");
        File.WriteAllText(target, "keep");
        File.CreateSymbolicLink(Path.Combine(_rootPath, "etc", "link"), target);
        File.WriteAllText(Path.Combine(_rootPath, "etc", "file"), "x");
        var root = new MachineRoot(_rootPath);

        root.SetOwner("/etc/link", 1234, 4321);
        root.SetOwner("/etc/file", 1000, 1001);

        Assert.Equal((0, 0), Owner(target));
        Assert.Equal((1234, 4321), Owner(Path.Combine(_rootPath, "etc", "link")));
        Assert.Equal((1000, 1001), Owner(Path.Combine(_rootPath, "etc", "file")));
    }

    [Fact]
    public void A_path_without_links_resolves_and_one_through_a_link_is_refused_by_name()
    {
        Directory.CreateDirectory(Path.Combine(_rootPath, "home", "dev"));
        Directory.CreateSymbolicLink(Path.Combine(_rootPath, "home", "dev", ".ssh"), _outside);
        var root = new MachineRoot(_rootPath);

        var error = Assert.Throws<DisklessException>(() => root.ResolveWithoutLinks("/home/dev/.ssh/authorized_keys"));

        Assert.Equal(Path.Combine(_rootPath, "home", "dev"), root.ResolveWithoutLinks("/home/dev"));
        Assert.Contains("/home/dev/.ssh", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    /// <summary>The owner of a path itself (a link's own owner), read with stat -c, not by following it.</summary>
    private static (int Uid, int Gid) Owner(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u %g", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        return (int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
