using Diskless.Abstractions;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// A project whose <c>.diskless/</c> was copied from another one holds the original's machine record: commands in
/// the copy refuse it before the provider is called or anything is removed, so the original's machine survives.
/// </summary>
public sealed class CopiedProjectTests : IDisposable
{
    private readonly PipelineSandbox _original = new("original");
    private readonly PipelineSandbox _copy;
    private readonly string _copyRoot;

    public CopiedProjectTests()
    {
        // The copy shares the original's data dir, as two projects of one user do.
        _copyRoot = Directory.CreateTempSubdirectory("diskless-copy-").FullName;
        _copy = new PipelineSandbox("copy", _original.Paths, _copyRoot);
    }

    public void Dispose()
    {
        _original.Dispose();
        Directory.Delete(_copyRoot, recursive: true);
    }

    [RequiresFact("cp")]
    public async Task Destroy_in_a_copied_project_leaves_the_original_machine_and_calls_no_provider()
    {
        var record = await CopiedMachineAsync();

        var error = await Assert.ThrowsAsync<DisklessException>(() =>
            DestroyHandler.RunAsync(_copy.Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None));

        AssertRefused(error, record);
    }

    [RequiresFact("cp")]
    public async Task Halt_in_a_copied_project_leaves_the_original_machine_running()
    {
        var record = await CopiedMachineAsync();
        _copy.Provider.Running = true;

        var error = await Assert.ThrowsAsync<DisklessException>(() => HaltHandler.RunAsync(_copy.Services(), null, force: false, CancellationToken.None));

        AssertRefused(error, record);
        Assert.True(_copy.Provider.Running);
    }

    [RequiresFact("cp", "ssh-keygen")]
    public async Task Up_in_a_copied_project_does_not_start_the_original_machine()
    {
        var record = await CopiedMachineAsync();

        var error = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(_copy.Services(), null, new UpOptions(), CancellationToken.None));

        AssertRefused(error, record);
    }

    /// <summary>A created machine in the original project, and a copy of that project's .diskless folder.</summary>
    private async Task<MachineRecord> CopiedMachineAsync()
    {
        var record = await _original.CreatedMachineAsync();
        using var cp = System.Diagnostics.Process.Start("cp", ["-a", Path.Combine(_original.Project, ".diskless"), _copy.Project])!;
        await cp.WaitForExitAsync();
        Assert.Equal(0, cp.ExitCode);
        return record;
    }

    private void AssertRefused(DisklessException error, MachineRecord record)
    {
        Assert.Equal(ExitCodes.WrongMachineState, error.ExitCode);
        Assert.Contains("copied or moved from " + _original.Project, error.Message, StringComparison.Ordinal);
        Assert.Contains(_copy.StateDirectory, error.Hint, StringComparison.Ordinal);
        Assert.Contains("diskless destroy", error.Hint, StringComparison.Ordinal);
        Assert.Empty(_copy.Provider.Calls);
        Assert.True(File.Exists(record.Artifacts!.KernelPath));
        Assert.True(File.Exists(Path.Combine(_original.StateDirectory, "machine.json")));
        Assert.True(Directory.Exists(_copy.StateDirectory));
    }
}
