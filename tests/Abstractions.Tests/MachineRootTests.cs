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
}
