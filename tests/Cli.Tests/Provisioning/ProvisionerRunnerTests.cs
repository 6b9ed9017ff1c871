using Diskless.Abstractions;
using Diskless.Cli.Provisioning;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Provisioning;

public sealed class ProvisionerRunnerTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnv = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("diskless-provision-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SourceLocation At(int line) => new("Disklessfile", line, 1);

    private string HostFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Provisioners_run_in_the_order_written()
    {
        var script = HostFile("setup.sh", "#!/bin/sh\necho setup\n");
        var config = HostFile("app.conf", "port=80\n");
        var session = new FakeSshSession();
        Provisioner[] provisioners =
        [
            new ShellProvisioner("apt-get install -y nginx", null, true, NoEnv, At(10)),
            new ShellProvisioner(null, script, true, NoEnv, At(13)),
            new FileProvisioner(config, "/home/dev/app.conf", At(16)),
            new ShellProvisioner("whoami", null, false, NoEnv, At(20)),
        ];

        var result = await ProvisionerRunner.RunAsync(session, provisioners, new RecordingProgress(), TextWriter.Null, CancellationToken.None);

        Assert.Equal(provisioners, result.Ran);
        Assert.Equal(
            [
                "exec sudo -H bash -c 'apt-get install -y nginx'",
                "exec mktemp",
                "upload /tmp/tmp.fake1 600 (21 bytes)",
                "exec sudo -H bash -c 'f=$(mktemp) && cat /tmp/tmp.fake1 > \"$f\" && rm -f /tmp/tmp.fake1 && chmod 700 \"$f\" && \"$f\"\nstatus=$?\nrm -f -- /tmp/tmp.fake1 \"$f\"\nexit $status'",
                $"upload /home/dev/app.conf {Convert.ToString((int)File.GetUnixFileMode(config), 8)} (8 bytes)",
                "exec bash -c whoami",
            ],
            session.Log);
        Assert.Equal("#!/bin/sh\necho setup\n", session.Uploaded["/tmp/tmp.fake1"]);
    }

    [Fact]
    public async Task Root_logins_need_no_sudo()
    {
        var session = new FakeSshSession(user: "root");

        await ProvisionerRunner.RunAsync(session, [new ShellProvisioner("id -u", null, true, NoEnv, null)], new RecordingProgress(), TextWriter.Null, CancellationToken.None);

        Assert.Equal(["exec bash -c 'id -u'"], session.Log);
    }

    [Fact]
    public async Task Environment_variables_are_exported_quoted_before_the_command()
    {
        var session = new FakeSshSession();
        var env = new Dictionary<string, string> { ["NAME"] = "it's $(rm -rf /)", ["A"] = "1" };

        await ProvisionerRunner.RunAsync(session, [new ShellProvisioner("echo \"$NAME\"", null, true, env, null)], new RecordingProgress(), TextWriter.Null, CancellationToken.None);

        Assert.Equal(["exec sudo -H bash -c 'export A=1\nexport NAME='\\''it'\\''\\'\\'''\\''s $(rm -rf /)'\\''\necho \"$NAME\"'"], session.Log);
    }

    [Fact]
    public async Task A_failing_provisioner_stops_the_run_and_names_itself_its_exit_code_and_its_output()
    {
        var session = new FakeSshSession().OnExec(c => c.Contains("make", StringComparison.Ordinal), 3, "compiling", "E: error: no rule to make target");
        var output = new StringWriter();
        var progress = new RecordingProgress();
        Provisioner[] provisioners =
        [
            new ShellProvisioner("echo one", null, true, NoEnv, At(5)),
            new ShellProvisioner("make", null, true, NoEnv, At(8)),
            new ShellProvisioner("echo three", null, true, NoEnv, At(11)),
        ];

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => ProvisionerRunner.RunAsync(session, provisioners, progress, output, CancellationToken.None));

        Assert.Equal(ExitCodes.ProvisionFailed, error.ExitCode);
        Assert.Equal(
            "provisioner 2 (shell: make) at Disklessfile:8:1 failed with exit code 3\nlast output:\n  compiling\n  E: error: no rule to make target",
            error.Message);
        Assert.Contains("diskless provision", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Log, l => l.Contains("three", StringComparison.Ordinal));
        Assert.Contains("failed: provision 2/3: shell: make", progress.Lines);
        Assert.Equal("[2] compiling\n[2] E: error: no rule to make target\n", output.ToString());
    }

    [Fact]
    public async Task A_destination_the_user_cannot_write_is_installed_by_root_through_a_private_temporary_file()
    {
        var source = HostFile("motd", "hello\n");
        File.SetUnixFileMode(source, (UnixFileMode)0b110_100_100);
        var session = new FakeSshSession().FailUpload(p => p == "/etc/motd", new UnauthorizedAccessException("dev may not write /etc/motd in the guest"));

        await ProvisionerRunner.RunAsync(session, [new FileProvisioner(source, "/etc/motd", null)], new RecordingProgress(), TextWriter.Null, CancellationToken.None);

        Assert.Equal(
            [
                "upload /etc/motd refused",
                "exec mktemp",
                "upload /tmp/tmp.fake1 600 (6 bytes)",
                "exec sudo -H bash -c 'install -D -m 0644 /tmp/tmp.fake1 /etc/motd\nstatus=$?\nrm -f -- /tmp/tmp.fake1\nexit $status'",
            ],
            session.Log);
    }

    [Fact]
    public async Task A_failed_install_through_tmp_fails_the_file_provisioner()
    {
        var source = HostFile("motd", "hello\n");
        var session = new FakeSshSession()
            .FailUpload(p => p == "/etc/motd", new DirectoryNotFoundException("no folder"))
            .OnExec(c => c.Contains("install", StringComparison.Ordinal), 1, "E: install: cannot create regular file");

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => ProvisionerRunner.RunAsync(session, [new FileProvisioner(source, "/etc/motd", At(3))], new RecordingProgress(), TextWriter.Null, CancellationToken.None));

        Assert.Equal(ExitCodes.ProvisionFailed, error.ExitCode);
        Assert.StartsWith($"provisioner 1 (file: {source} -> /etc/motd) at Disklessfile:3:1 failed with exit code 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_script_is_a_configuration_error_at_its_location()
    {
        var session = new FakeSshSession();

        var error = await Assert.ThrowsAsync<DisklessException>(() => ProvisionerRunner.RunAsync(
            session, [new ShellProvisioner(null, Path.Combine(_dir, "absent.sh"), true, NoEnv, At(4))], new RecordingProgress(), TextWriter.Null, CancellationToken.None));

        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        Assert.StartsWith("Disklessfile:4:1: script: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(session.Log);
    }

    [Fact]
    public async Task An_environment_name_that_is_not_an_identifier_is_refused_before_anything_runs()
    {
        var session = new FakeSshSession();
        var env = new Dictionary<string, string> { ["BAD;rm -rf /"] = "x" };

        var error = await Assert.ThrowsAsync<DisklessException>(() => ProvisionerRunner.RunAsync(
            session, [new ShellProvisioner("true", null, true, env, At(2))], new RecordingProgress(), TextWriter.Null, CancellationToken.None));

        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        Assert.Empty(session.Log);
    }

    [Fact]
    public async Task A_script_goes_through_a_file_mktemp_made_and_is_removed_after_it_ran()
    {
        var script = HostFile("setup.sh", "#!/bin/sh\necho setup\n");
        var session = new FakeSshSession().OnExec(c => c == "mktemp", 0, "/tmp/tmp.Xq3v9ZkPw1");

        await ProvisionerRunner.RunAsync(session, [new ShellProvisioner(null, script, true, NoEnv, At(3))], new RecordingProgress(), TextWriter.Null, CancellationToken.None);

        Assert.Equal(["exec mktemp", "upload /tmp/tmp.Xq3v9ZkPw1 600 (21 bytes)"], session.Log[..2]);
        var run = Assert.Single(session.Log[2..]);
        Assert.Contains("rm -f -- /tmp/tmp.Xq3v9ZkPw1", run, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Log, l => l.Contains("/tmp/diskless-", StringComparison.Ordinal));
    }

    [RequiresFact("mktemp", "stat")]
    public async Task A_script_runs_from_a_private_file_of_its_own_that_is_gone_afterwards()
    {
        var guestTmp = Directory.CreateDirectory(Path.Combine(_dir, "guest-tmp")).FullName;
        var script = HostFile("whoami.sh", "#!/bin/sh\nstat -c '%a %U' \"$0\"\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var output = new StringWriter();

        await ProvisionerRunner.RunAsync(
            new LocalShellSession(guestTmp), [new ShellProvisioner(null, script, true, NoEnv, At(3))], new RecordingProgress(), output, CancellationToken.None);

        Assert.Equal($"[1] 700 {Environment.UserName}\n", output.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(guestTmp));
    }

    [Fact]
    public async Task An_environment_name_with_a_trailing_newline_is_refused()
    {
        var session = new FakeSshSession();
        var env = new Dictionary<string, string> { ["APP\n"] = "x" };

        var error = await Assert.ThrowsAsync<DisklessException>(() => ProvisionerRunner.RunAsync(
            session, [new ShellProvisioner("true", null, true, env, At(2))], new RecordingProgress(), TextWriter.Null, CancellationToken.None));

        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        Assert.Empty(session.Log);
    }

    [Fact]
    public async Task Nothing_to_provision_runs_nothing()
    {
        var session = new FakeSshSession();

        var result = await ProvisionerRunner.RunAsync(session, [], new RecordingProgress(), TextWriter.Null, CancellationToken.None);

        Assert.Empty(result.Ran);
        Assert.Empty(session.Log);
    }
}
