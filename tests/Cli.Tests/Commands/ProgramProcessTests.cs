using CliWrap;
using CliWrap.Buffered;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Commands;

/// <summary>The built program, run as a process the way a user runs it.</summary>
public sealed class ProgramProcessTests : IDisposable
{
    private readonly TempFolder home = new();

    public void Dispose() => home.Dispose();

    private async Task<BufferedCommandResult> RunProgramAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(BuildOutput.ProgramDirectory, "diskless.dll"), .. args])
            .WithWorkingDirectory(home.Path)
            .WithEnvironmentVariables(e => e.Set("DISKLESS_HOME", home.Path).Set("DISKLESS_PLUGIN_PATH", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
    }

    [Fact]
    public async Task The_program_lists_the_four_bundled_plugins_from_beside_itself()
    {
        var result = await RunProgramAsync("plugins");

        Assert.Equal(0, result.ExitCode);
        var rows = result.StandardOutput.TrimEnd().Split('\n').Skip(1).ToList();
        Assert.Equal(["arch", "debian", "libvirt", "qemu"], rows.Select(r => r.Split(' ')[0]));
        Assert.All(rows, r => Assert.Contains(Path.Combine(BuildOutput.ProgramDirectory, "plugins"), r, StringComparison.Ordinal));
        Assert.DoesNotContain("error", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_program_exits_with_the_commands_code_and_message()
    {
        var result = await RunProgramAsync("halt", "--force");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("diskless halt is not available yet\n", result.StandardError);
    }
}
