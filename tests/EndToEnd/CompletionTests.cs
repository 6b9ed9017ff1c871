using Diskless.Abstractions;
using Diskless.Cli.State;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>
/// `diskless completion bash` sourced into a real bash, its function run the way bash runs it on Tab: commands, options,
/// the project's machines and a machine's snapshots come from the built program on PATH. zsh and fish get their
/// scripts checked by the shells themselves.
/// </summary>
public sealed class Shell_completion(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("diskless-completion-").FullName;

    private string Bin => Path.Combine(_tmp, "bin");

    private string Project => Path.Combine(_tmp, "shop");

    private string DataDirectory => Path.Combine(_tmp, "home");

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [RequiresFact("bash")]
    public async Task Bash_completes_commands_options_machines_and_snapshots_from_the_program()
    {
        await SetUpAsync();
        await PlantSnapshotAsync("web", "before-upgrade");

        Assert.Equal(["snapshot"], await CompleteAsync("diskless sn"));
        Assert.Equal(["halt"], await CompleteAsync("/somewhere/diskless ha"));
        Assert.Equal(["--provision"], await CompleteAsync("diskless up --prov"));
        var machines = await CompleteAsync("diskless up ");
        Assert.Contains("web", machines);
        Assert.Contains("db", machines);
        Assert.Equal(["web"], await CompleteAsync("diskless ssh w"));
        Assert.Equal(["before-upgrade"], await CompleteAsync("diskless snapshot restore bef"));
        Assert.Equal(["restore"], await CompleteAsync("diskless snapshot res"));
        Assert.Equal(["fish"], await CompleteAsync("diskless completion f"));
        Assert.Equal(["global-status"], await CompleteAsync("diskless glo"));
        Assert.Equal(["--orphan"], await CompleteAsync("diskless destroy --orp"));
    }

    [RequiresFact("bash")]
    public async Task A_folder_without_a_disklessfile_completes_commands_and_prints_nothing_else()
    {
        await SetUpAsync();
        File.Delete(Path.Combine(Project, "Disklessfile"));

        Assert.Equal(["status"], await CompleteAsync("diskless stat"));
        Assert.Empty(await CompleteAsync("diskless up w"));
    }

    [RequiresFact("zsh", "fish")]
    public async Task The_zsh_and_fish_scripts_parse_in_their_shells()
    {
        await SetUpAsync();
        foreach (var (shell, check) in new[] { ("zsh", new[] { "-n" }), ("fish", new[] { "--no-execute" }) })
        {
            var script = await DisklessProcess.RunProgramAsync(Path.Combine(Bin, "diskless"), ["completion", shell], Project, TimeSpan.FromMinutes(1), Environment());
            Assert.True(script.ExitCode == 0, script.ToString());
            var file = Path.Combine(_tmp, "completion." + shell);
            await File.WriteAllTextAsync(file, script.Stdout);
            var parse = await DisklessProcess.RunProgramAsync(shell, [.. check, file], Project, TimeSpan.FromMinutes(1), Environment());
            Assert.True(parse.ExitCode == 0, $"{shell}: {parse}");
            Assert.Contains("[suggest:", script.Stdout, StringComparison.Ordinal);
        }
    }

    private async Task SetUpAsync()
    {
        Directory.CreateDirectory(Bin);
        File.CreateSymbolicLink(Path.Combine(Bin, "diskless"), DisklessProcess.Program);
        Directory.CreateDirectory(Project);
        await File.WriteAllTextAsync(Path.Combine(Project, "Disklessfile"), "[machines.web]\n\n[machines.db]\n");
    }

    /// <summary>A record for <paramref name="machine"/> as up writes it, and a snapshot folder where snapshot save puts one.</summary>
    private async Task PlantSnapshotAsync(string machine, string snapshot)
    {
        var paths = new HostPaths(DataDirectory);
        var state = new ProjectState(Project, paths);
        var id = MachineRecord.NewId();
        var stateDirectory = state.MachineStateDirectory(machine);
        Directory.CreateDirectory(stateDirectory);
        var record = new MachineRecord
        {
            Id = id,
            Name = machine,
            Provider = "qemu",
            Distro = "debian",
            CreatedAt = DateTimeOffset.UtcNow,
            RootPath = Path.Combine(paths.MachinesDirectory, id, "root"),
            StateDirectory = stateDirectory,
            RuntimeDirectory = state.RuntimeDirectory(id),
            ConsoleLogPath = Path.Combine(stateDirectory, "console.log"),
        };
        await MachineRecordStore.SaveAsync(stateDirectory, record, CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(paths.MachinesDirectory, id, MachineSnapshots.FolderName, snapshot));
    }

    /// <summary>What bash offers for <paramref name="line"/> (the cursor at its end), as its completion function computes it.</summary>
    private async Task<IReadOnlyList<string>> CompleteAsync(string line)
    {
        const string Script = """
            source <(diskless completion bash) || exit 9
            COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _diskless_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var run = await DisklessProcess.RunProgramAsync("bash", ["-c", Script, "bash", line], Project, TimeSpan.FromMinutes(1), Environment());
        output.WriteLine($"[{line}] -> {run}");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["PATH"] = Bin + ":" + System.Environment.GetEnvironmentVariable("PATH"),
        ["DISKLESS_HOME"] = DataDirectory,
        ["XDG_CONFIG_HOME"] = Path.Combine(_tmp, "config"),
    };
}
