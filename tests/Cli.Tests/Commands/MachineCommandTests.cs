using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Commands;

public sealed class MachineCommandTests
{
    // What the program installs; a test replaces one handler to see what the command line hands it.
    private static readonly CommandHandlers ProgramHandlers = LifecycleHandlers.Create();

    [Theory]
    [InlineData("up")]
    [InlineData("halt")]
    [InlineData("destroy")]
    [InlineData("reload")]
    [InlineData("provision")]
    [InlineData("ssh")]
    [InlineData("ssh-config")]
    [InlineData("status")]
    [InlineData("du")]
    public async Task Every_machine_command_of_the_program_starts_by_reading_the_Disklessfile(string command)
    {
        using var project = new TempFolder();
        var disklessfile = Path.Combine(project.Path, "Disklessfile");

        var run = await CliRun.RunAsync([command, "--file", disklessfile], project.Path);

        Assert.Equal(ExitCodes.InvalidConfiguration, run.ExitCode);
        Assert.Equal($"error: {disklessfile} does not exist\nhint: run `diskless init` to create one\n", run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Up_passes_the_machine_and_provision_flag_to_its_handler()
    {
        var up = new RecordingHandler<UpRequest>();

        var run = await CliRun.RunAsync(["up", "web", "--provision", "-v"], "/tmp", ProgramHandlers with { Up = up });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(new UpRequest(new Globals(null, true, "/tmp"), "web", true), up.Request);
    }

    [Theory]
    [InlineData("save", SnapshotAction.Save)]
    [InlineData("restore", SnapshotAction.Restore)]
    [InlineData("delete", SnapshotAction.Delete)]
    public async Task Snapshot_subcommands_pass_the_name_then_the_machine(string subcommand, SnapshotAction action)
    {
        var snapshot = new RecordingHandler<SnapshotRequest>();

        var run = await CliRun.RunAsync(["snapshot", subcommand, "before-upgrade", "web"], "/tmp", ProgramHandlers with { Snapshot = snapshot });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(new SnapshotRequest(new Globals(null, false, "/tmp"), action, "web", "before-upgrade", false, false), snapshot.Request);
    }

    [Fact]
    public async Task Snapshot_restore_takes_force_and_list_takes_json_while_save_refuses_force()
    {
        var snapshot = new RecordingHandler<SnapshotRequest>();
        var handlers = ProgramHandlers with { Snapshot = snapshot };

        await CliRun.RunAsync(["snapshot", "restore", "--force", "s1"], "/tmp", handlers);
        var restore = snapshot.Request;
        await CliRun.RunAsync(["snapshot", "list", "--json"], "/tmp", handlers);
        var list = snapshot.Request;
        var save = await CliRun.RunAsync(["snapshot", "save", "--force", "s1"], "/tmp", handlers);

        Assert.Equal(new SnapshotRequest(new Globals(null, false, "/tmp"), SnapshotAction.Restore, null, "s1", true, false), restore);
        Assert.Equal(new SnapshotRequest(new Globals(null, false, "/tmp"), SnapshotAction.List, null, null, false, true), list);
        Assert.Equal(ExitCodes.Usage, save.ExitCode);
    }

    [Fact]
    public async Task Du_and_prune_take_json()
    {
        var du = new RecordingHandler<DuRequest>();
        var prune = new RecordingHandler<PruneRequest>();
        var handlers = ProgramHandlers with { Du = du, Prune = prune };

        await CliRun.RunAsync(["du", "web", "--json"], "/tmp", handlers);
        await CliRun.RunAsync(["prune", "--json"], "/tmp", handlers);

        Assert.Equal(new DuRequest(new Globals(null, false, "/tmp"), "web", true), du.Request);
        Assert.Equal(new PruneRequest(new Globals(null, false, "/tmp"), true), prune.Request);
    }

    [Fact]
    public async Task Global_status_takes_json_and_no_size_and_destroy_takes_an_orphans_id_but_not_with_a_machine_name()
    {
        var globalStatus = new RecordingHandler<GlobalStatusRequest>();
        var destroy = new RecordingHandler<DestroyRequest>();
        var handlers = ProgramHandlers with { GlobalStatus = globalStatus, Destroy = destroy };

        await CliRun.RunAsync(["global-status", "--json"], "/tmp", handlers);
        var json = globalStatus.Request;
        await CliRun.RunAsync(["global-status", "--no-size"], "/tmp", handlers);
        await CliRun.RunAsync(["destroy", "--orphan", "0123456789ab", "-f"], "/tmp", handlers);
        var orphan = destroy.Request;
        var both = await CliRun.RunAsync(["destroy", "web", "--orphan", "0123456789ab"], "/tmp", handlers);

        Assert.Equal(new GlobalStatusRequest(new Globals(null, false, "/tmp"), true), json);
        Assert.Equal(new GlobalStatusRequest(new Globals(null, false, "/tmp"), false, NoSize: true), globalStatus.Request);
        Assert.Equal(new DestroyRequest(new Globals(null, false, "/tmp"), null, true, "0123456789ab"), orphan);
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Contains("--orphan names the machine by its id", both.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Global_options_work_before_and_after_the_command()
    {
        var halt = new RecordingHandler<HaltRequest>();

        await CliRun.RunAsync(["--file", "/p/Disklessfile", "halt", "--force"], "/tmp", ProgramHandlers with { Halt = halt });

        Assert.Equal(new HaltRequest(new Globals("/p/Disklessfile", false, "/tmp"), null, true), halt.Request);
    }

    [Fact]
    public async Task Destroy_takes_dash_f_as_force_and_the_Disklessfile_by_its_long_name()
    {
        var destroy = new RecordingHandler<DestroyRequest>();

        await CliRun.RunAsync(["destroy", "-f", "--file", "D.toml", "db"], "/tmp", ProgramHandlers with { Destroy = destroy });

        Assert.Equal(new DestroyRequest(new Globals("D.toml", false, "/tmp"), "db", true), destroy.Request);
    }

    [Fact]
    public async Task Adopt_takes_the_old_folder_then_the_machine_and_up_takes_fresh()
    {
        var adopt = new RecordingHandler<AdoptRequest>();
        var up = new RecordingHandler<UpRequest>();

        await CliRun.RunAsync(["adopt", "/old/project", "db"], "/tmp", ProgramHandlers with { Adopt = adopt });
        await CliRun.RunAsync(["up", "--fresh"], "/tmp", ProgramHandlers with { Up = up });

        Assert.Equal(new AdoptRequest(new Globals(null, false, "/tmp"), "/old/project", "db"), adopt.Request);
        Assert.Equal(new UpRequest(new Globals(null, false, "/tmp"), null, false, Fresh: true), up.Request);
    }

    [Fact]
    public async Task Dash_f_names_the_Disklessfile_on_the_other_commands()
    {
        var status = new RecordingHandler<StatusRequest>();

        await CliRun.RunAsync(["status", "-f", "D.toml", "--json"], "/tmp", ProgramHandlers with { Status = status });

        Assert.Equal(new StatusRequest(new Globals("D.toml", false, "/tmp"), null, true), status.Request);
    }

    [Theory]
    [InlineData(new[] { "ssh" }, null, null, new string[0])]
    [InlineData(new[] { "ssh", "web", "-c", "uname -a" }, "web", "uname -a", new string[0])]
    [InlineData(new[] { "ssh", "--", "-L", "8080:localhost:80" }, null, null, new[] { "-L", "8080:localhost:80" })]
    [InlineData(new[] { "ssh", "web", "--", "ls", "-la" }, "web", null, new[] { "ls", "-la" })]
    public async Task Ssh_separates_the_machine_from_the_arguments_after_the_double_dash(string[] args, string? machine, string? command, string[] extra)
    {
        var ssh = new RecordingHandler<SshRequest>();

        var run = await CliRun.RunAsync(args, "/tmp", ProgramHandlers with { Ssh = ssh });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(machine, ssh.Request!.Machine);
        Assert.Equal(command, ssh.Request.Command);
        Assert.Equal(extra, ssh.Request.ExtraArguments);
    }

    [Fact]
    public async Task Ssh_config_passes_the_host_alias()
    {
        var sshConfig = new RecordingHandler<SshConfigRequest>();

        await CliRun.RunAsync(["ssh-config", "web", "--host", "dev"], "/tmp", ProgramHandlers with { SshConfig = sshConfig });

        Assert.Equal(new SshConfigRequest(new Globals(null, false, "/tmp"), "web", "dev"), sshConfig.Request);
    }

    [Theory]
    [InlineData("up", "--bogus")]
    [InlineData("frobnicate")]
    [InlineData("halt", "a", "b")]
    [InlineData("ssh", "--bogus")]
    public async Task A_wrong_command_line_is_a_usage_error_with_a_hint(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("--help` shows the usage", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handlers_DisklessException_becomes_an_error_line_a_hint_and_its_exit_code()
    {
        var up = new DelegateHandler<UpRequest>(_ => throw new DisklessException("the machine web is locked", "wait for `diskless up` in pid 42", ExitCodes.Locked));

        var run = await CliRun.RunAsync(["up"], handlers: ProgramHandlers with { Up = up });

        Assert.Equal(ExitCodes.Locked, run.ExitCode);
        Assert.Equal("error: the machine web is locked\nhint: wait for `diskless up` in pid 42\n", run.Err);
    }

    [Fact]
    public async Task Cancelling_a_running_command_ends_it_with_130_and_one_line()
    {
        using var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var up = new DelegateHandler<UpRequest>(async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        });

        var run = CliRun.RunAsync(["up"], handlers: ProgramHandlers with { Up = up }, cancellationToken: cancellation.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Equal("cancelled\n", result.Err);
    }
}
