using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>global-status assembled from state files and fake providers: states asked now, orphans and their removal, the plugins it loads.</summary>
public sealed class GlobalStatusTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private GlobalStatusServices Services(IPluginCatalog catalog, TextWriter? output = null, IReadOnlyList<string>? dataDirectories = null, bool measure = false) => new(
        dataDirectories ?? [_sandbox.Paths.DataDirectory],
        _sandbox.Paths.DataDirectory,
        HostIdentity.Current().Uid,
        paths => new HostServices(_sandbox.Progress, new ScribanTemplates(), paths),
        catalog,
        MachineIsolation.ForThisHost(),
        _ => new FakeMachineNamespaces(),
        (project, _) => Task.FromResult<ProjectSpec?>(project == _sandbox.Project
            ? new ProjectSpec(Path.Combine(project, "Disklessfile"), project, [_sandbox.Machine("dev") with { Ports = [new PortForward(8080, 80)] }])
            : null),
        _sandbox.Progress,
        output ?? TextWriter.Null,
        measure);

    private FakeCatalog Catalog => new(_sandbox.Distro, _sandbox.Provider);

    [Fact]
    public async Task Each_state_is_asked_of_the_provider_at_every_call_so_a_machine_that_died_shows_crashed_at_once()
    {
        var record = await _sandbox.CreatedMachineAsync(r => r with { SshPort = 2222, SshHost = "127.0.0.1" });
        var services = Services(Catalog);
        _sandbox.Provider.Running = true;

        var running = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(services, CancellationToken.None));
        _sandbox.Provider.RunningState = MachineState.Crashed;
        var crashed = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(services, CancellationToken.None));
        _sandbox.Provider.Running = false;
        var stopped = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(services, CancellationToken.None));

        Assert.Equal(("dev", record.Id, "running", "fakevm", _sandbox.Project, false, (string?)null), (running.Name, running.Id, running.State, running.Provider, running.Project, running.Orphan, running.Remove));
        Assert.Equal(new GlobalSshView("127.0.0.1", 2222, "diskless"), running.Ssh);
        Assert.Equal([new PortReport(8080, 80, "tcp", "127.0.0.1")], running.Ports);
        Assert.Equal(Path.Combine(_sandbox.Paths.MachinesDirectory, record.Id, "root"), running.RootPath);
        Assert.Equal("crashed", crashed.State);
        Assert.Null(crashed.Ssh);
        Assert.Empty(crashed.Ports);
        Assert.Equal("stopped", stopped.State);
        Assert.Equal([new PortReport(8080, 80, "tcp", "127.0.0.1")], stopped.Ports);
    }

    [Fact]
    public async Task A_running_machine_shows_what_it_forwards_now_as_status_does_and_a_stopped_one_its_disklessfiles_ports()
    {
        var record = await _sandbox.CreatedMachineAsync();
        // Started with 9090 -> 80; its Disklessfile says 8080 -> 80 since, not reloaded yet. The agent moved 3000 to 3001.
        await PortsOnlyReload.RememberAsync(record, _sandbox.Machine("dev") with { Ports = [new PortForward(9090, 80)] }, CancellationToken.None);
        await Cli.Agent.Ports.ForwardsState.SaveAsync(record.StateDirectory, Cli.Agent.Ports.ForwardsState.AddedFileName, record.Id,
            [new Cli.Agent.Ports.ActiveForward(7070, 70, "tcp")], CancellationToken.None);
        await Cli.Agent.Ports.ForwardsState.SaveAsync(record.StateDirectory, Cli.Agent.Ports.ForwardsState.AutoFileName, record.Id,
            [new Cli.Agent.Ports.ActiveForward(3001, 3000, "tcp", "host port 3000 was taken")], CancellationToken.None);
        _sandbox.Provider.Running = true;
        using var status = new StringWriter();
        var services = _sandbox.Services(status) with
        {
            Project = new ProjectSpec(Path.Combine(_sandbox.Project, "Disklessfile"), _sandbox.Project, [_sandbox.Machine("dev") with { Ports = [new PortForward(8080, 80)] }]),
        };

        var running = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(Services(Catalog), CancellationToken.None));
        await StatusHandler.RunAsync(services, null, json: true, CancellationToken.None);
        _sandbox.Provider.Running = false;
        var stopped = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(Services(Catalog), CancellationToken.None));

        Assert.Equal(
            [new PortReport(9090, 80, "tcp", "127.0.0.1"), new PortReport(7070, 70, "tcp", "127.0.0.1", "added"), new PortReport(3001, 3000, "tcp", "127.0.0.1", "auto", "host port 3000 was taken")],
            running.Ports);
        using var document = JsonDocument.Parse(status.ToString());
        Assert.Equal(
            running.Ports.Select(p => (p.Host, p.Guest, p.Origin, p.Note)),
            document.RootElement.GetProperty("machines")[0].GetProperty("ports").EnumerateArray()
                .Select(p => (p.GetProperty("host").GetInt32(), p.GetProperty("guest").GetInt32(), p.GetProperty("origin").GetString()!, p.GetProperty("note").GetString())));
        Assert.Equal([new PortReport(8080, 80, "tcp", "127.0.0.1")], stopped.Ports);
    }

    [Fact]
    public async Task A_machine_whose_project_folder_is_gone_is_an_orphan_with_the_command_that_removes_it_naming_its_data_dir_when_needed()
    {
        var other = new PipelineSandbox("other", _sandbox.Paths, _sandbox.Root);
        var kept = await _sandbox.CreatedMachineAsync();
        var orphaned = await other.CreatedMachineAsync();
        Directory.Delete(other.Project, recursive: true);

        var rows = await GlobalStatusHandler.ReadRowsAsync(Services(Catalog), CancellationToken.None);
        var elsewhere = await GlobalStatusHandler.ReadRowsAsync(
            Services(Catalog) with { CurrentDataDirectory = Path.Combine(_sandbox.Root, "another-data") }, CancellationToken.None);

        Assert.Equal(2, rows.Count);
        var row = Assert.Single(rows, r => r.Orphan);
        Assert.Equal((orphaned.Id, other.Project, "stopped", $"diskless destroy --force --orphan {orphaned.Id}"), (row.Id, row.Project, row.State, row.Remove));
        Assert.False(Assert.Single(rows, r => r.Id == kept.Id).Orphan);
        Assert.Equal(
            $"DISKLESS_HOME={ShellQuoting.Quote(_sandbox.Paths.DataDirectory)} diskless destroy --force --orphan {orphaned.Id}",
            Assert.Single(elsewhere, r => r.Orphan).Remove);
    }

    [Fact]
    public async Task Destroy_orphan_removes_the_machine_and_its_projects_state_and_refuses_a_machine_whose_project_exists()
    {
        var other = new PipelineSandbox("other", _sandbox.Paths, _sandbox.Root);
        var kept = await _sandbox.CreatedMachineAsync();
        var orphaned = await other.CreatedMachineAsync();
        var orphanState = other.State.StateDirectory;
        Directory.Delete(other.Project, recursive: true);
        var host = new HostServices(_sandbox.Progress, new ScribanTemplates(), _sandbox.Paths);

        var refused = await Assert.ThrowsAsync<DisklessException>(() =>
            OrphanDestroyHandler.RunAsync(_sandbox.Program(), host, Catalog, kept.Id, force: true, CancellationToken.None));
        var exitCode = await OrphanDestroyHandler.RunAsync(_sandbox.Program(), host, Catalog, orphaned.Id, force: true, CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<DisklessException>(() =>
            OrphanDestroyHandler.RunAsync(_sandbox.Program(), host, Catalog, orphaned.Id, force: true, CancellationToken.None));

        Assert.Contains("it is no orphan", refused.Message, StringComparison.Ordinal);
        Assert.Equal($"cd {ShellQuoting.Quote(_sandbox.Project)} && diskless destroy dev", refused.Hint);
        Assert.Equal(0, exitCode);
        Assert.Equal(["destroy"], _sandbox.Provider.Calls);
        Assert.False(Directory.Exists(Path.Combine(_sandbox.Paths.MachinesDirectory, orphaned.Id)));
        Assert.False(Directory.Exists(orphanState));
        Assert.True(Directory.Exists(kept.RootPath));
        Assert.Contains("No machine has the id", unknown.Message, StringComparison.Ordinal);
        Assert.Equal([kept.Id], (await GlobalStatusHandler.ReadRowsAsync(Services(Catalog), CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_record_diskless_did_not_write_or_cannot_read_is_shown_unknown_and_the_others_still_are()
    {
        var other = new PipelineSandbox("other", _sandbox.Paths, _sandbox.Root);
        var third = new PipelineSandbox("third", _sandbox.Paths, _sandbox.Root);
        await _sandbox.CreatedMachineAsync(r => r with { Id = "not-an-id" });
        await other.CreatedMachineAsync();
        await third.CreatedMachineAsync();
        var planted = Path.Combine(_sandbox.Root, "planted.json");
        File.Move(MachineRecordStore.PathIn(third.StateDirectory), planted);
        File.CreateSymbolicLink(MachineRecordStore.PathIn(third.StateDirectory), planted);

        var rows = await GlobalStatusHandler.ReadRowsAsync(Services(Catalog), CancellationToken.None);

        Assert.Equal(3, rows.Count);
        Assert.Contains("not a machine id", Assert.Single(rows, r => r.Project == _sandbox.Project).Detail, StringComparison.Ordinal);
        Assert.Equal("unknown", Assert.Single(rows, r => r.Project == _sandbox.Project).State);
        Assert.Equal("stopped", Assert.Single(rows, r => r.Project == other.Project).State);
        var link = Assert.Single(rows, r => r.Project == third.Project);
        Assert.Equal(("unknown", (string?)null), (link.State, link.Id));
        Assert.Contains("symbolic link", link.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_plugin_is_loaded_without_a_machine_and_only_the_provider_of_a_machine_with_one_never_a_distro()
    {
        var plugins = new PluginHost([BuildOutput.PluginsDirectory]);
        var empty = await GlobalStatusHandler.ReadRowsAsync(Services(plugins), CancellationToken.None);
        var attemptsWithoutMachines = plugins.LoadAttempts;
        await _sandbox.CreatedMachineAsync(r => r with { Provider = "qemu", Distro = "debian" });

        var row = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(Services(plugins), CancellationToken.None));

        Assert.Empty(empty);
        Assert.Empty(attemptsWithoutMachines);
        Assert.Equal(["qemu"], plugins.LoadAttempts);
        Assert.Equal(("stopped", "never started"), (row.State, row.Detail));
    }

    [Fact]
    public async Task The_root_is_measured_with_du_as_the_du_command_does()
    {
        var record = await _sandbox.CreatedMachineAsync();
        await File.WriteAllBytesAsync(Path.Combine(record.RootPath, "big"), new byte[256 * 1024]);

        var row = Assert.Single(await GlobalStatusHandler.ReadRowsAsync(Services(Catalog, measure: true), CancellationToken.None));

        Assert.Equal("du", row.RootSizeMethod);
        Assert.InRange(row.RootBytes!.Value, 256 * 1024, 1024 * 1024);
    }

    [Fact]
    public async Task The_table_has_a_row_per_machine_and_names_each_orphans_removal_and_json_has_the_documented_names()
    {
        var other = new PipelineSandbox("other", _sandbox.Paths, _sandbox.Root);
        await _sandbox.CreatedMachineAsync(r => r with { SshPort = 2222, SshHost = "127.0.0.1" });
        var orphaned = await other.CreatedMachineAsync();
        Directory.Delete(other.Project, recursive: true);
        _sandbox.Provider.Running = true;
        using var text = new StringWriter();
        using var json = new StringWriter();

        await GlobalStatusHandler.RunAsync(Services(Catalog, text), json: false, CancellationToken.None);
        await GlobalStatusHandler.RunAsync(Services(Catalog, json), json: true, CancellationToken.None);

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+ID\s+STATE\s+PROVIDER\s+SSH\s+PORTS\s+SIZE\s+PROJECT$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("dev ", StringComparison.Ordinal) && l.Contains(" running ", StringComparison.Ordinal)
            && l.Contains("diskless@127.0.0.1:2222", StringComparison.Ordinal) && l.Contains("8080->80", StringComparison.Ordinal));
        Assert.Contains($"orphan dev ({orphaned.Id}): its project folder {other.Project} is gone; remove it: diskless destroy --force --orphan {orphaned.Id}", lines);
        using var document = JsonDocument.Parse(json.ToString());
        Assert.Equal([_sandbox.Paths.DataDirectory], document.RootElement.GetProperty("dataDirectories").EnumerateArray().Select(d => d.GetString()));
        var machine = document.RootElement.GetProperty("machines").EnumerateArray().Single(m => !m.GetProperty("orphan").GetBoolean());
        Assert.Equal(
            ["name", "id", "state", "detail", "provider", "distro", "project", "orphan", "remove", "dataDirectory", "ssh", "ports", "rootPath", "rootBytes", "rootSizeMethod"],
            machine.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["host", "port", "user"], machine.GetProperty("ssh").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["host", "guest", "protocol", "hostAddress", "origin", "note"], machine.GetProperty("ports")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void The_data_dirs_searched_are_this_commands_the_default_and_the_registered_each_once_and_only_those_that_exist()
    {
        var current = Directory.CreateDirectory(Path.Combine(_sandbox.Root, "current")).FullName;
        var registered = Directory.CreateDirectory(Path.Combine(_sandbox.Root, "registered")).FullName;

        var searched = GlobalStatusHandler.DataDirectoriesToSearch(current, Path.Combine(_sandbox.Root, "no-default"), [registered + "/", current, Path.Combine(_sandbox.Root, "gone")]);

        Assert.Equal([current, registered], searched);
    }
}
