using Diskless.Abstractions;

namespace Diskless.Abstractions.Tests;

public sealed class SandboxCommandTests
{
    [Fact]
    public void The_program_runs_on_the_root_with_fresh_namespaces_and_a_clean_environment()
    {
        var command = SandboxCommand.Build("/machines/m1/root", new CommandSpec("/usr/sbin/update-initramfs", "-u", "-k", "all"));

        Assert.Equal("bwrap", command.FileName);
        Assert.Equal(
            "--unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup --die-with-parent --new-session "
            + "--bind /machines/m1/root / --proc /proc --dev /dev --perms 1777 --tmpfs /tmp --clearenv "
            + "--setenv PATH /usr/sbin:/usr/bin:/sbin:/bin --setenv HOME /root --setenv LANG C.UTF-8 "
            + "-- /usr/sbin/update-initramfs -u -k all",
            string.Join(' ', command.Arguments));
    }

    [Fact]
    public void No_user_namespace_of_its_own_so_the_machines_map_stays_in_force()
    {
        var arguments = SandboxCommand.Build("/r", new CommandSpec("true")).Arguments;

        Assert.DoesNotContain("--unshare-user", arguments);
        Assert.DoesNotContain("--unshare-all", arguments);
        Assert.DoesNotContain(arguments, a => a.StartsWith("--userns", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_working_directory_and_read_only_inputs_are_passed_in()
    {
        var program = new CommandSpec("/bin/sh", "-c", "install /tmp/in /usr/local/bin/in")
        {
            Environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive", ["LANG"] = null },
            WorkingDirectory = "/root",
            SuccessExitCodes = [0, 1],
            Description = "configure",
        };

        var command = SandboxCommand.Build("/r", program, [new SandboxBind("/host/input", "/tmp/in")]);
        var line = string.Join(' ', command.Arguments);

        Assert.Contains("--clearenv --setenv PATH /usr/sbin:/usr/bin:/sbin:/bin --setenv HOME /root --setenv LANG C.UTF-8 --setenv DEBIAN_FRONTEND noninteractive --unsetenv LANG", line, StringComparison.Ordinal);
        Assert.EndsWith("--ro-bind /host/input /tmp/in --chdir /root -- /bin/sh -c install /tmp/in /usr/local/bin/in", line, StringComparison.Ordinal);
        Assert.Null(command.WorkingDirectory);
        Assert.Empty(command.Environment);
        Assert.Equal([0, 1], command.SuccessExitCodes);
        Assert.Equal("configure", command.Description);
    }

    [Fact]
    public void A_relative_root_or_bind_and_a_root_only_program_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SandboxCommand.Build("machines/root", new CommandSpec("true")));
        Assert.Throws<ArgumentException>(() => SandboxCommand.Build("/r", new CommandSpec("true"), [new SandboxBind("input", "/tmp/in")]));
        Assert.Throws<ArgumentException>(() => SandboxCommand.Build("/r", new CommandSpec("true") { RequiresRoot = true }));
    }

    [Fact]
    public void A_failed_sandboxed_program_is_named_in_the_error_not_bwrap()
    {
        var sandboxed = SandboxCommand.Build("/var/lib/diskless/machines/x/root", new CommandSpec("/usr/sbin/update-initramfs", "-u") { Description = "building the initramfs" });

        var error = new CommandFailedException(sandboxed, 1, []);

        Assert.Equal("bwrap", sandboxed.FileName);
        Assert.Equal("building the initramfs (/usr/sbin/update-initramfs) failed with exit code 1", error.Message);
    }

    [Fact]
    public void A_confined_program_sees_the_hosts_programs_read_only_and_of_the_folder_only_what_is_not_covered()
    {
        var command = SandboxCommand.BuildConfined(
            "/data/machines/m1",
            ["/data/machines/m1/snapshots/old"],
            ["/data/machines/m1/base"],
            [new HostProgramFolder("/usr", null), new HostProgramFolder("/bin", "usr/bin")],
            new CommandSpec("cp", "-a", "/data/root/.", "/data/snapshots/new") { RequiresRoot = true, Description = "copy" });

        Assert.Equal("bwrap", command.FileName);
        Assert.Equal(
            "--unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup --die-with-parent --new-session "
            + "--ro-bind /usr /usr --symlink usr/bin /bin "
            + "--bind /data/machines/m1 /data --tmpfs /data/snapshots/old --ro-bind /dev/null /data/base --chdir /data "
            + "--clearenv --setenv PATH /usr/sbin:/usr/bin:/sbin:/bin --setenv HOME /root --setenv LANG C.UTF-8 "
            + "-- cp -a /data/root/. /data/snapshots/new",
            string.Join(' ', command.Arguments));
        Assert.True(command.RequiresRoot);
        Assert.Equal("cp", command.WrappedProgram);
        Assert.DoesNotContain("--proc", command.Arguments);
        Assert.DoesNotContain("--dev", command.Arguments);
    }

    [Fact]
    public void A_confined_path_outside_the_folder_or_a_relative_folder_is_refused()
    {
        Assert.Equal("/data", SandboxCommand.ConfinedPath("/m/1", "/m/1"));
        Assert.Equal("/data/root/etc", SandboxCommand.ConfinedPath("/m/1", "/m/1/root/etc"));
        Assert.Throws<ArgumentException>(() => SandboxCommand.ConfinedPath("/m/1", "/m/10/root"));
        Assert.Throws<ArgumentException>(() => SandboxCommand.ConfinedPath("/m/1", "/etc"));
        Assert.Throws<ArgumentException>(() => SandboxCommand.BuildConfined("m/1", [], [], [], new CommandSpec("true")));
    }

    [Fact]
    public void The_hosts_program_folders_are_found_as_they_are_and_etc_is_not_among_them()
    {
        var found = SandboxCommand.HostProgramFolders();

        Assert.Contains(found, f => f.Path == "/usr" && f.LinkTarget is null);
        Assert.All(found, f => Assert.Equal(new FileInfo(f.Path).LinkTarget, f.LinkTarget));
        Assert.DoesNotContain(found, f => f.Path.StartsWith("/etc", StringComparison.Ordinal) || f.Path.StartsWith("/home", StringComparison.Ordinal));
    }
}
