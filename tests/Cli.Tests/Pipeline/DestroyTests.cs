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
}
