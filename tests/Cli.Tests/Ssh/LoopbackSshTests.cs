using System.Globalization;
using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Processes;
using Diskless.Cli.Provisioning;
using Diskless.Cli.Ssh;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

/// <summary>The SSH client, provisioners and ssh argv against a real sshd on the loopback interface.</summary>
public sealed class LoopbackSshTests(LoopbackSshd sshd) : IClassFixture<LoopbackSshd>
{
    private const int Timeout = 60_000;

    private static CancellationTokenSource Deadline() => new(TimeSpan.FromSeconds(45));

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task Exec_streams_both_outputs_and_returns_the_exit_code()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        var stdout = new List<string>();
        var stderr = new List<string>();

        var exit = await session.ExecAsync("echo hi; echo oops >&2; echo there; exit 3", stdout.Add, stderr.Add, deadline.Token);

        Assert.Equal(3, exit);
        Assert.Equal(["hi", "there"], stdout);
        Assert.Equal(["oops"], stderr);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_command_killed_by_a_signal_exits_with_128_plus_its_number()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);

        var exit = await session.ExecAsync("kill -KILL $$", null, null, deadline.Token);

        Assert.Equal(137, exit);
        Assert.Equal("KILL", session.LastExitSignal);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task An_uploaded_file_reads_back_with_its_mode()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        var remote = Path.Combine(sshd.WorkDir, "uploaded.txt");
        using var content = new MemoryStream("line one\nline two\n"u8.ToArray());

        await session.UploadAsync(content, remote, (UnixFileMode)0b110_100_000, deadline.Token);

        var lines = new List<string>();
        Assert.Equal(0, await session.ExecAsync($"cat {remote}; stat -c %a {remote}", lines.Add, null, deadline.Token));
        Assert.Equal(["line one", "line two", "640"], lines);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task Uploading_into_a_missing_folder_says_so()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        using var content = new MemoryStream("x"u8.ToArray());

        await Assert.ThrowsAsync<DirectoryNotFoundException>(
            () => session.UploadAsync(content, Path.Combine(sshd.WorkDir, "absent", "f"), (UnixFileMode)0b110_100_100, deadline.Token));
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_provisioner_sequence_runs_for_real()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        var work = Directory.CreateDirectory(Path.Combine(sshd.WorkDir, "provision")).FullName;
        var script = Path.Combine(work, "setup.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho \"script sees $GREETING\" > \"$OUT/script.txt\"\necho \"$0\" > \"$OUT/script-path.txt\"\n", deadline.Token);
        var config = Path.Combine(work, "app.conf");
        await File.WriteAllTextAsync(config, "port=80\n", deadline.Token);
        var env = new Dictionary<string, string> { ["GREETING"] = "it's $(not run)", ["OUT"] = work };
        Provisioner[] provisioners =
        [
            new ShellProvisioner("echo \"inline sees $GREETING\"; echo \"$GREETING\" > \"$OUT/inline.txt\"", null, true, env, null),
            new ShellProvisioner(null, script, true, env, null),
            new FileProvisioner(config, Path.Combine(work, "etc", "app.conf"), null),
        ];
        var output = new StringWriter();

        var result = await ProvisionerRunner.RunAsync(session, provisioners, new RecordingProgress(), output, deadline.Token);

        Assert.Equal(3, result.Ran.Count);
        Assert.Contains("[1] inline sees it's $(not run)", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("it's $(not run)\n", await File.ReadAllTextAsync(Path.Combine(work, "inline.txt"), deadline.Token));
        Assert.Equal("script sees it's $(not run)\n", await File.ReadAllTextAsync(Path.Combine(work, "script.txt"), deadline.Token));
        Assert.Equal("port=80\n", await File.ReadAllTextAsync(Path.Combine(work, "etc", "app.conf"), deadline.Token));
        var ranFrom = (await File.ReadAllTextAsync(Path.Combine(work, "script-path.txt"), deadline.Token)).Trim();
        Assert.StartsWith("/tmp/", ranFrom, StringComparison.Ordinal);
        Assert.False(File.Exists(ranFrom), "the uploaded script is removed after it ran");
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_failing_script_keeps_its_exit_code_and_is_removed_too()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        var script = Path.Combine(sshd.WorkDir, "fail.sh");
        var ranFromFile = Path.Combine(sshd.WorkDir, "fail-path.txt");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"$0\" > {ranFromFile}\necho failing\nexit 42\n", deadline.Token);

        var error = await Assert.ThrowsAsync<DisklessException>(() => ProvisionerRunner.RunAsync(
            session, [new ShellProvisioner(null, script, true, new Dictionary<string, string>(), null)], new RecordingProgress(), TextWriter.Null, deadline.Token));

        Assert.Contains("failed with exit code 42", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists((await File.ReadAllTextAsync(ranFromFile, deadline.Token)).Trim()));
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_failing_provisioner_reports_its_exit_code_and_output_from_the_guest()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        Provisioner[] provisioners = [new ShellProvisioner("echo before; ls /nonexistent-diskless", null, true, new Dictionary<string, string>(), null)];

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => ProvisionerRunner.RunAsync(session, provisioners, new RecordingProgress(), TextWriter.Null, deadline.Token));

        Assert.Equal(ExitCodes.ProvisionFailed, error.ExitCode);
        Assert.Contains("failed with exit code 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("  before", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent-diskless", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_different_pinned_key_is_refused_with_both_fingerprints()
    {
        using var deadline = Deadline();
        var wrong = sshd.Target with { PinnedHostKeys = [TestKeys.HostA] };
        var real = PublicKeyLine.Parse(sshd.Keys.HostPublicKeys[0], "test").Fingerprint;

        var error = await Assert.ThrowsAsync<HostKeyMismatchException>(() => SshConnector.ConnectAsync(wrong, deadline.Token));

        Assert.Equal(
            $"host key mismatch for {sshd.Target.Address}: the guest presented {real} but diskless generated {TestKeys.HostAFingerprint}",
            error.Message);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_key_the_guest_does_not_authorize_is_a_boot_failure_naming_the_user()
    {
        using var deadline = Deadline();
        var other = await MachineKeys.EnsureAsync(Path.Combine(sshd.WorkDir, "machines", "other"), sshd.Runner, deadline.Token);
        var target = sshd.Target with { PrivateKeyPath = other.ClientPrivateKeyPath };

        var error = await Assert.ThrowsAsync<DisklessException>(() => SshConnector.ConnectAsync(target, deadline.Token));

        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        Assert.Contains($"refused the machine's key for user {Environment.UserName}", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task Readiness_returns_as_soon_as_the_guest_logs_us_in()
    {
        using var deadline = Deadline();
        var asked = 0;

        var elapsed = await SshReadiness.WaitAsync(
            sshd.Target, TimeSpan.FromSeconds(30), _ => { asked++; return Task.FromResult<BootFailure?>(null); }, new RecordingProgress(), deadline.Token, time: new FakeClock());

        // The boot check comes only after a failed attempt, and the clock only moves between attempts: neither happened.
        Assert.Equal((0, TimeSpan.Zero), (asked, elapsed));
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task Readiness_fails_at_once_on_a_host_key_mismatch()
    {
        using var deadline = Deadline();
        var wrong = sshd.Target with { PinnedHostKeys = [TestKeys.HostB] };
        var clock = new FakeClock();
        var asked = 0;

        // A retry would be seen: the clock jumps to every poll the wait asks for, so retrying runs into the timeout.
        await Assert.ThrowsAsync<HostKeyMismatchException>(() => clock.FastForwardAsync(SshReadiness.WaitAsync(
            wrong, TimeSpan.FromSeconds(40), _ => { asked++; return Task.FromResult<BootFailure?>(null); }, new RecordingProgress(), deadline.Token, time: clock)));

        Assert.Equal((0, TimeSpan.Zero), (asked, clock.Elapsed));
    }

    [RequiresFact("sshd", "ssh-keygen", "ssh", Root = true, Timeout = Timeout)]
    public async Task The_interactive_ssh_argv_logs_in_with_our_known_hosts()
    {
        using var deadline = Deadline();
        var knownHosts = Path.Combine(sshd.StateDir, "known_hosts");
        await KnownHosts.WriteAsync(knownHosts, sshd.Endpoint, sshd.Keys.HostPublicKeys, deadline.Token);
        var argv = SshClientCommand.Build(sshd.Target, knownHosts, ["-o", "BatchMode=yes"], "echo logged-in; exit 0");

        var result = await sshd.Runner.RunAsync(new CommandSpec(argv[0], [.. argv.Skip(1)]), deadline.Token);

        Assert.Equal("logged-in\n", result.StandardOutput);
    }

    [RequiresFact("sshd", "ssh-keygen", "ssh", Root = true, Timeout = Timeout)]
    public async Task The_interactive_ssh_argv_refuses_a_host_key_our_known_hosts_does_not_list()
    {
        using var deadline = Deadline();
        var knownHosts = Path.Combine(sshd.WorkDir, "wrong_known_hosts");
        await KnownHosts.WriteAsync(knownHosts, sshd.Endpoint, [TestKeys.HostA], deadline.Token);
        var argv = SshClientCommand.Build(sshd.Target, knownHosts, ["-o", "BatchMode=yes"], "true");

        var result = await sshd.Runner.RunAsync(new CommandSpec(argv[0], [.. argv.Skip(1)]) { SuccessExitCodes = [0, 255] }, deadline.Token);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("HOST IDENTIFICATION HAS CHANGED", result.StandardError, StringComparison.Ordinal);
    }

    [RequiresFact("sshd", "ssh-keygen", "ssh", Root = true, Timeout = Timeout)]
    public async Task The_rendered_ssh_config_logs_in_by_machine_name()
    {
        using var deadline = Deadline();
        var knownHosts = Path.Combine(sshd.StateDir, "known_hosts");
        await KnownHosts.WriteAsync(knownHosts, sshd.Endpoint, sshd.Keys.HostPublicKeys, deadline.Token);
        var config = Path.Combine(sshd.WorkDir, "ssh_config");
        await File.WriteAllTextAsync(config, SshConfigRenderer.Render(new ScribanTemplates(), [new SshConfigEntry("loop", sshd.Target, knownHosts)]), deadline.Token);

        var result = await sshd.Runner.RunAsync(new CommandSpec("ssh", "-F", config, "-o", "BatchMode=yes", "loop", "echo via-config"), deadline.Token);

        Assert.Equal("via-config\n", result.StandardOutput);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task Readiness_gives_up_at_once_when_the_key_cannot_be_read()
    {
        using var deadline = Deadline();
        var target = sshd.Target with { PrivateKeyPath = Path.Combine(sshd.WorkDir, "no-such-key") };

        var error = await Assert.ThrowsAsync<DisklessException>(() => SshReadiness.WaitAsync(
            target, TimeSpan.FromSeconds(40), _ => Task.FromResult<BootFailure?>(null), new RecordingProgress(), deadline.Token));

        Assert.Contains("cannot read the machine's SSH key", error.Message, StringComparison.Ordinal);
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_cancelled_command_stops_promptly_and_ends_in_the_guest_with_everything_it_started()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        using var cancel = new CancellationTokenSource();
        var group = 0;

        // Cancelled once it runs; stopping takes a round trip, the command itself ten minutes. It traps TERM and starts a
        // child of its own: sshd refuses root's "signal" requests, so only the channel's end can stop them. This sshd's
        // user is root, the hardest case.
        var exec = session.ExecAsync(
            "trap '' TERM; sleep 600 & echo $$; wait",
            pid => { group = int.Parse(pid, CultureInfo.InvariantCulture); _ = cancel.CancelAsync(); },
            null,
            cancel.Token);
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exec.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, await session.ExecAsync("true", null, null, deadline.Token));

            // The watcher's SIGINT, then its SIGKILL a grace period later: ten times that, and nothing of the group is left.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(10 * (SessionBoundCommand.GraceSeconds + 1));
            while (GroupMembers(group).Count > 0 && DateTime.UtcNow < until)
            {
                await Task.Delay(200, deadline.Token);
            }

            Assert.Empty(GroupMembers(group));
        }
        finally
        {
            // The "guest" is this host: whatever a failing run left of the group this test started is ended here, by pid.
            foreach (var pid in GroupMembers(group))
            {
                await sshd.Runner.SignalAsync(pid, ProcessSignal.Kill, CancellationToken.None);
            }
        }
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task A_command_reads_no_input_and_what_it_starts_in_the_background_outlives_it_when_it_ends_normally()
    {
        using var deadline = Deadline();
        using var session = await SshConnector.ConnectAsync(sshd.Target, deadline.Token);
        var lines = new List<string>();

        // cat ends at once: the command's stdin is /dev/null, not the channel that stays open.
        var exit = await session.ExecAsync("cat; sleep 300 >/dev/null 2>&1 & echo $!; exit 4", lines.Add, null, deadline.Token);
        var daemon = int.Parse(Assert.Single(lines), CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(4, exit);
            session.Dispose();
            // Longer than the watcher's grace: had it fired on the channel's end, the daemon would be gone by now.
            await Task.Delay(TimeSpan.FromSeconds(SessionBoundCommand.GraceSeconds + 2), deadline.Token);
            Assert.True(Directory.Exists($"/proc/{daemon}"), "the command's own background process was killed when the session ended");
        }
        finally
        {
            await sshd.Runner.SignalAsync(daemon, ProcessSignal.Kill, CancellationToken.None);
        }
    }

    /// <summary>The pids whose process group is <paramref name="group"/> (the session's leader), from /proc.</summary>
    private static List<int> GroupMembers(int group)
    {
        var members = new List<int>();
        if (group <= 0)
        {
            return members;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command's closing parenthesis: state, ppid, pgrp.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[2], CultureInfo.InvariantCulture) == group)
                {
                    members.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while read.
            }
        }

        return members;
    }

    [RequiresFact("sshd", "ssh-keygen", Root = true, Timeout = Timeout)]
    public async Task Ssh_with_a_command_passes_its_output_and_exit_code_through()
    {
        using var deadline = Deadline();
        var project = Directory.CreateDirectory(Path.Combine(sshd.WorkDir, "project")).FullName;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var services = await LoopbackMachine.ServicesAsync(project, sshd, stdout, deadline.Token);

        var exit = await SshHandler.RunAsync(services, "loop", "echo out; echo err >&2; exit 7", [], stderr, deadline.Token);

        Assert.Equal(7, exit);
        Assert.Equal("out\n", stdout.ToString());
        Assert.Equal("err\n", stderr.ToString());
    }
}
