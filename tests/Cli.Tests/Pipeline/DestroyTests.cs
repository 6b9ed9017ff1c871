using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>Destroy deletes only what this host computes for this project's machine, whatever machine.json says.</summary>
public sealed class DestroyTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [RequiresFact("rm")]
    public async Task A_runtime_folder_a_record_names_outside_this_host_s_own_survives_destroy_which_removes_its_own()
    {
        var runtime = Directory.CreateDirectory(Path.Combine(_sandbox.Root, "elsewhere", "run")).FullName;
        await File.WriteAllTextAsync(Path.Combine(runtime, "socket"), "");
        var record = await _sandbox.CreatedMachineAsync(r => r with { RuntimeDirectory = runtime });
        var own = _sandbox.Services().State.EnsureRuntimeDirectory(record.Id);

        await DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(runtime, "socket")));
        Assert.False(Directory.Exists(own));
        Assert.False(Directory.Exists(record.RootPath));
        Assert.False(Directory.Exists(_sandbox.StateDirectory));
    }

    [RequiresFact("rm")]
    public async Task The_runtime_and_state_folders_of_this_projects_machine_go()
    {
        var record = await _sandbox.CreatedMachineAsync();
        var runtime = _sandbox.Services().State.EnsureRuntimeDirectory(record.Id);
        await File.WriteAllTextAsync(Path.Combine(runtime, "socket"), "");

        await DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None);

        Assert.False(Directory.Exists(runtime));
        Assert.False(Directory.Exists(record.RootPath));
        Assert.False(Directory.Exists(_sandbox.StateDirectory));
        Assert.DoesNotContain(_sandbox.Progress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal));
    }

    [RequiresFact("rm")]
    public async Task The_project_s_state_folder_goes_with_its_last_machine_project_json_and_all()
    {
        await _sandbox.CreatedMachineAsync();
        var state = _sandbox.Services().State;
        Assert.True(File.Exists(Path.Combine(state.StateDirectory, ProjectEntry.FileName)));

        await DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None);

        Assert.False(Directory.Exists(state.StateDirectory));
        Assert.True(Directory.Exists(state.Paths.ProjectsDirectory));
    }

    [RequiresFact("rm")]
    public async Task Another_machine_of_the_project_keeps_the_project_s_state_folder_and_its_project_json()
    {
        await _sandbox.CreatedMachineAsync();
        var state = _sandbox.Services().State;
        var other = Directory.CreateDirectory(Path.Combine(state.MachinesStateDirectory, "other")).FullName;
        await File.WriteAllTextAsync(Path.Combine(other, "machine.json"), "{}");

        await DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None);

        Assert.False(Directory.Exists(_sandbox.StateDirectory));
        Assert.True(File.Exists(Path.Combine(other, "machine.json")));
        Assert.True(File.Exists(Path.Combine(state.StateDirectory, ProjectEntry.FileName)));
    }

    [Fact]
    public async Task Destroying_a_machine_never_created_leaves_no_project_state_behind()
    {
        var state = _sandbox.Services().State;

        await DestroyHandler.RunAsync(_sandbox.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None);

        Assert.False(Directory.Exists(state.StateDirectory));
    }

    [Fact]
    public void A_state_folder_holding_anything_besides_project_json_and_empty_machines_stays_whole()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_sandbox.Root, "projects-kept", "0123456789abcdef")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "machines"));
        File.WriteAllText(Path.Combine(folder, ProjectEntry.FileName), "{}");
        File.WriteAllText(Path.Combine(folder, "notes"), "kept");

        ProjectStateFolder.RemoveIfNoMachines(folder);

        Assert.True(File.Exists(Path.Combine(folder, ProjectEntry.FileName)));
        Assert.True(File.Exists(Path.Combine(folder, "notes")));
    }
}
