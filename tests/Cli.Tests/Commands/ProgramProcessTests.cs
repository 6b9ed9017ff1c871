using CliWrap;
using CliWrap.Buffered;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Commands;

/// <summary>The built program, run as a process the way a user runs it.</summary>
public sealed class ProgramProcessTests : IDisposable
{
    private readonly TempFolder home = new();

    public void Dispose() => home.Dispose();

    private Task<BufferedCommandResult> RunProgramAsync(params string[] args) => RunProgramWithPluginPathAsync(null, args);

    private async Task<BufferedCommandResult> RunProgramWithPluginPathAsync(string? pluginPath, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(BuildOutput.ProgramDirectory, "diskless.dll"), .. args])
            .WithWorkingDirectory(home.Path)
            .WithEnvironmentVariables(e => e.Set("DISKLESS_HOME", home.Path).Set("DISKLESS_PLUGIN_PATH", pluginPath))
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
    public async Task The_program_reports_an_error_for_people_and_exits_with_its_code()
    {
        var result = await RunProgramAsync("validate");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"error: no Disklessfile in {home.Path} or any folder above it\nhint: run `diskless init` to create one\n", result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task The_program_exits_2_on_a_wrong_command_line()
    {
        var result = await RunProgramAsync("up", "--provison");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: unknown option '--provison'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_machine_not_created_loads_no_plugin_and_none_of_what_only_other_commands_need()
    {
        // What start-up is kept free of (bench/startup.sh): each of these cost a not-created machine's status milliseconds.
        File.WriteAllText(Path.Combine(home.Path, "Disklessfile"), "name = \"dev\"\n\n[distro]\nname = \"debian\"\n\n[provider]\nname = \"qemu\"\n");
        var list = Path.Combine(home.Path, "loaded.txt");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(BuildOutput.ProgramDirectory, "diskless.dll"), "status"])
            .WithWorkingDirectory(home.Path)
            .WithEnvironmentVariables(e => e
                .Set("DISKLESS_HOME", home.Path)
                // A UTF-8 locale, as most hosts have: the program writes through its own writers then (ConsoleWriters).
                .Set("LC_ALL", "")
                .Set("LC_MESSAGES", "")
                .Set("LANG", "C.UTF-8")
                .Set("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location)
                .Set("DISKLESS_TEST_LOADED_ASSEMBLIES", list))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("dev              not created  qemu/debian", result.StandardOutput, StringComparison.Ordinal);
        var loaded = File.ReadAllLines(list);
        // The list is the program's: it read the Disklessfile (Tomlyn) and parsed the line (System.CommandLine).
        Assert.Contains("diskless", loaded);
        Assert.Contains("Tomlyn", loaded);
        Assert.Contains("System.CommandLine", loaded);
        Assert.DoesNotContain(loaded, name => name.StartsWith("Diskless.Plugins.", StringComparison.Ordinal));
        string[] notNeeded =
        [
            "System.Security.Cryptography", // OpenSSL: the project's key is hashed in managed code, the file's own hash on demand
            "System.Text.RegularExpressions", // machine names are checked by hand
            "McMaster.NETCore.Plugins", // no plugin is loaded
            "Renci.SshNet", // no SSH
            "BouncyCastle.Cryptography",
            "Scriban.Signed", // no template
            "CliWrap", // no external command
            "System.Collections.Concurrent",
            "System.Text.Encoding.Extensions", // the console writers encode with Encoding.Default (a new UTF8Encoding loads this facade)
        ];
        Assert.All(notNeeded, name => Assert.DoesNotContain(name, loaded));
    }

    [Fact]
    public async Task Plugins_on_DISKLESS_PLUGIN_PATH_are_listed_first_and_a_broken_one_does_not_hide_the_others()
    {
        var result = await RunProgramWithPluginPathAsync(BuildOutput.FixturesDirectory, "plugins");

        Assert.Equal(0, result.ExitCode);
        var rows = result.StandardOutput.TrimEnd().Split('\n').Skip(1).ToList();
        Assert.Equal(["isolation", "throwing", "arch", "debian", "libvirt", "qemu"], rows.Select(r => r.Split(' ')[0]));
        Assert.EndsWith("  ready", rows[0], StringComparison.Ordinal);
        Assert.Contains("  error: plugin \"throwing\" in ", rows[1], StringComparison.Ordinal);
        Assert.All(rows.Skip(2), r => Assert.DoesNotContain("error", r, StringComparison.Ordinal));
    }
}
