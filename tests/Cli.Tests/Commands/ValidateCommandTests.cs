using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Commands;

public sealed class ValidateCommandTests : IDisposable
{
    private const string Disklessfile = """
        name = "web"
        cpus = 2
        memory = "1GiB"

        [distro]
        name = "debian"
        release = "bookworm"
        packages = ["git"]

        [provider]
        name = "qemu"

        [share]
        transport = "9p"

        [[synced_folders]]
        host = "."
        guest = "/project"

        [[ports]]
        host = 8080
        guest = 80

        [[provision]]
        shell = "echo hi"
        """;

    private readonly TempFolder project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Validate_json_gives_the_resolved_machines_for_scripts()
    {
        File.WriteAllText(project.Sub("Disklessfile"), Disklessfile);

        var run = await CliRun.RunAsync(["validate", "--json"], project.Path);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(project.Sub("Disklessfile"), json.RootElement.GetProperty("disklessfile").GetString());
        var machine = json.RootElement.GetProperty("machines").EnumerateArray().Single();
        Assert.Equal("web", machine.GetProperty("name").GetString());
        Assert.Equal(2, machine.GetProperty("cpus").GetInt32());
        Assert.Equal(1024, machine.GetProperty("memoryMiB").GetInt64());
        Assert.Equal("debian", machine.GetProperty("distro").GetProperty("name").GetString());
        Assert.Equal("bookworm", machine.GetProperty("distro").GetProperty("release").GetString());
        Assert.Equal(["git"], machine.GetProperty("distro").GetProperty("packages").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("qemu", machine.GetProperty("provider").GetProperty("name").GetString());
        Assert.Equal("auto", machine.GetProperty("provider").GetProperty("accel").GetString());
        Assert.Equal("9p", machine.GetProperty("share").GetProperty("transport").GetString());
        var folder = machine.GetProperty("syncedFolders").EnumerateArray().Single();
        Assert.Equal(project.Path, folder.GetProperty("host").GetString());
        Assert.Equal("/project", folder.GetProperty("guest").GetString());
        var port = machine.GetProperty("ports").EnumerateArray().Single();
        Assert.Equal((8080, 80, "tcp"), (port.GetProperty("host").GetInt32(), port.GetProperty("guest").GetInt32(), port.GetProperty("protocol").GetString()));
        Assert.Equal("shell", machine.GetProperty("provisioners").EnumerateArray().Single().GetProperty("type").GetString());
        Assert.True(machine.GetProperty("bootTimeoutSeconds").GetDouble() > 0);
    }

    [Fact]
    public async Task Validate_prints_each_machine_readably()
    {
        File.WriteAllText(project.Sub("Disklessfile"), Disklessfile);

        var run = await CliRun.RunAsync(["validate"], project.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"{project.Sub("Disklessfile")}: valid, 1 machine(s)\n\nmachine web\n  cpus         2\n  memory       1024 MiB\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("  share        9p\n", run.Out, StringComparison.Ordinal);
        Assert.Contains($"  synced       {project.Path} -> /project\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("  port         127.0.0.1:8080 -> 80/tcp\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_follows_the_file_option()
    {
        Directory.CreateDirectory(project.Sub("conf"));
        File.WriteAllText(project.Sub("conf", "dev.toml"), Disklessfile);

        var run = await CliRun.RunAsync(["validate", "--json", "-f", "conf/dev.toml"], project.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"name\": \"web\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_Disklessfile_lists_every_problem_and_exits_with_InvalidConfiguration()
    {
        File.WriteAllText(project.Sub("Disklessfile"), "name = \"web\"\ncpu = 2\nmemory = \"lots\"\n");

        var run = await CliRun.RunAsync(["validate"], project.Path);

        Assert.Equal(ExitCodes.InvalidConfiguration, run.ExitCode);
        var lines = run.Err.TrimEnd().Split('\n');
        Assert.Equal("error: the Disklessfile has 2 problems:", lines[0]);
        Assert.StartsWith("  Disklessfile:2:1: unknown key 'cpu'", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("  Disklessfile:3:", lines[2], StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task An_unknown_plugin_in_the_Disklessfile_is_a_configuration_error()
    {
        File.WriteAllText(project.Sub("Disklessfile"), "name = \"web\"\n[distro]\nname = \"gentoo\"\n");

        var run = await CliRun.RunAsync(["validate"], project.Path);

        Assert.Equal(ExitCodes.InvalidConfiguration, run.ExitCode);
        Assert.Contains("gentoo", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_without_a_Disklessfile_says_how_to_make_one()
    {
        var run = await CliRun.RunAsync(["validate"], project.Path);

        Assert.Equal(ExitCodes.InvalidConfiguration, run.ExitCode);
        Assert.Contains("hint: run `diskless init`", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_of_a_qemu_machine_says_what_keeps_this_host_from_running_it_rootless_and_how_to_fix_it()
    {
        File.WriteAllText(project.Sub("Disklessfile"), Disklessfile);
        var probe = new Isolation.FakeIsolationProbe();
        probe.Files[Diskless.Cli.Isolation.SubordinateIds.UidFile] = "someone-else:100000:65536\n";
        probe.Programs.Remove("newgidmap");
        var user = new Diskless.Cli.Isolation.MachineIsolation(probe, new Diskless.Cli.Isolation.HostIdentity("dltest", 1500, 1500));

        var run = await CliRun.RunAsync(["validate"], project.Path, isolation: user);

        Assert.Equal(ExitCodes.NotAvailable, run.ExitCode);
        Assert.Contains("web", run.Out, StringComparison.Ordinal);
        Assert.Contains("error: this host cannot run these machines yet: dltest has no subordinate uids", run.Err, StringComparison.Ordinal);
        Assert.Contains("hint: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("usermod --add-subuids", run.Err, StringComparison.Ordinal);
        Assert.Contains("newgidmap", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("subordinate gids", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_on_a_host_that_meets_every_prerequisite_says_nothing_about_it()
    {
        File.WriteAllText(project.Sub("Disklessfile"), Disklessfile);
        var user = new Diskless.Cli.Isolation.MachineIsolation(new Isolation.FakeIsolationProbe(), new Diskless.Cli.Isolation.HostIdentity("dltest", 1500, 1500));

        var run = await CliRun.RunAsync(["validate"], project.Path, isolation: user);

        Assert.Equal((0, ""), (run.ExitCode, run.Err));
    }
}
