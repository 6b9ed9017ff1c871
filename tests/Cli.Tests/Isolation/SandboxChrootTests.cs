using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Tests.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>What SandboxChroot hands the runner: the program sandboxed, then entered into the namespace, nothing else.</summary>
public sealed class SandboxChrootTests
{
    [Fact]
    public async Task The_program_runs_in_the_sandbox_entered_as_guest_root_and_keeps_its_settings()
    {
        using var root = new TempFolder();
        var runner = new RecordingCommandRunner();
        var lines = new List<string>();
        var command = new CommandSpec("/usr/sbin/update-initramfs", "-u", "-k", "all")
        {
            Description = "regenerate the initramfs",
            RequiresRoot = true,
            Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8", ["LANGUAGE"] = null },
            SuccessExitCodes = [0, 7],
            OnOutputLine = lines.Add,
            StandardInput = "input",
        };
        runner.Print("nsenter", "update-initramfs: Generating /boot/initrd.img\n");

        var result = await new SandboxChroot(new FakeNamespace(), runner).RunAsync(root.Path, command, CancellationToken.None);

        var ran = Assert.Single(runner.Commands);
        Assert.Equal("nsenter", ran.FileName);
        Assert.Equal(
            [
                "--fake-holder", "--", "bwrap",
                "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup", "--die-with-parent", "--new-session",
                "--bind", root.Path, "/", "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp",
                "--clearenv", "--setenv", "PATH", SandboxCommand.SearchPath, "--setenv", "HOME", "/root", "--setenv", "LANG", "C.UTF-8",
                "--setenv", "LC_ALL", "C.UTF-8", "--unsetenv", "LANGUAGE",
                "--", "/usr/sbin/update-initramfs", "-u", "-k", "all",
            ],
            ran.Arguments);
        Assert.DoesNotContain("/sys", ran.Arguments);

        // Guest root, never host root through sudo; the rest of the command's settings carried through.
        Assert.False(ran.RequiresRoot);
        Assert.Equal("regenerate the initramfs", ran.Description);
        Assert.Equal([0, 7], ran.SuccessExitCodes);
        Assert.Equal("input", ran.StandardInput);
        Assert.Empty(ran.Environment);
        Assert.Equal(["update-initramfs: Generating /boot/initrd.img"], lines);
        Assert.Equal("update-initramfs: Generating /boot/initrd.img\n", result.StandardOutput);
    }

    [Fact]
    public async Task Binds_are_read_only_and_a_command_without_a_description_is_named_for_the_sandbox()
    {
        using var root = new TempFolder();
        var runner = new RecordingCommandRunner();

        await new SandboxChroot(new FakeNamespace(), runner).RunAsync(
            root.Path, new CommandSpec("/bin/sh", "/tmp/in/run.sh"), [new SandboxBind("/var/tmp/staged", "/tmp/in")], CancellationToken.None);

        var ran = Assert.Single(runner.Commands);
        var bind = ran.Arguments.ToList().IndexOf("--ro-bind");
        Assert.Equal(["--ro-bind", "/var/tmp/staged", "/tmp/in"], ran.Arguments.Skip(bind).Take(3));
        Assert.True(bind > ran.Arguments.ToList().IndexOf("--tmpfs"), "the bind must come after /tmp's tmpfs, or the tmpfs hides it");
        Assert.Equal("sh in the sandbox", ran.Description);
    }

    [Fact]
    public async Task The_host_root_a_link_to_it_and_a_missing_folder_are_refused_before_anything_runs()
    {
        using var folder = new TempFolder();
        var link = folder.Combine("to-host-root");
        File.CreateSymbolicLink(link, "/");
        var runner = new RecordingCommandRunner();
        var sandbox = new SandboxChroot(new FakeNamespace(), runner);

        foreach (var root in new[] { "/", link, folder.Combine("missing") })
        {
            await Assert.ThrowsAsync<DisklessException>(() => sandbox.RunAsync(root, new CommandSpec("/bin/true"), CancellationToken.None));
        }

        Assert.Empty(runner.Commands);
    }

    /// <summary>Enters like the holder does, with a marker instead of a pid.</summary>
    private sealed class FakeNamespace : IUserNamespace
    {
        public IdMap Map { get; } = new(100000, 1500, 100000, 1500);

        public CommandSpec Enter(CommandSpec inner) => inner with { FileName = "nsenter", Arguments = ["--fake-holder", "--", inner.FileName, .. inner.Arguments] };
    }
}
