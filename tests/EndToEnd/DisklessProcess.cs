using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Diskless.EndToEnd;

/// <summary>What one run of the real diskless program printed.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    public override string ToString() => $"exit {ExitCode} after {Duration.TotalSeconds:F1}s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built diskless program as a user would, in a project folder, with its own data dir.</summary>
public static class DisklessProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Program => Path.Combine(RepoRoot, "artifacts", "diskless", Configuration, "diskless");

    /// <summary>The data dir the end-to-end tests share, kept between runs so the base is built once.</summary>
    public static string DataDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("DISKLESS_TEST_HOME") ?? "/var/tmp/diskless-test-home", "e2e");

    /// <summary>
    /// The user configuration the end-to-end runs share (the consents of <c>diskless trust</c>): beside the data dir, never
    /// the configuration of the user who runs the tests.
    /// </summary>
    public static string ConfigDirectory => Path.Combine(Path.GetDirectoryName(DataDirectory)!, "e2e-config");

    /// <summary>
    /// Where the end-to-end runs keep their list of data dirs (<c>global-status</c> reads it): beside the data dir, never the
    /// list of the user who runs the tests (root's is in /var/lib/diskless).
    /// </summary>
    public static string StateHome => Path.Combine(Path.GetDirectoryName(DataDirectory)!, "e2e-state");

    /// <summary>The environment every run of the program gets: the shared data dir, configuration and list of data dirs.</summary>
    public static Dictionary<string, string?> ProgramEnvironment() =>
        new() { ["DISKLESS_HOME"] = DataDirectory, ["XDG_CONFIG_HOME"] = ConfigDirectory, ["XDG_STATE_HOME"] = StateHome };

    public static Task<CliRun> RunAsync(string projectDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgramAsync(Program, arguments, projectDirectory, timeout, ProgramEnvironment());

    /// <summary>Runs <paramref name="program"/> (diskless, or a wrapper that runs it as someone else) and keeps what it printed.</summary>
    public static async Task<CliRun> RunProgramAsync(
        string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?> environment)
    {
        using var cts = new CancellationTokenSource(timeout);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var started = DateTime.UtcNow;
        var result = await CliWrap.Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(CancellationToken.None, cts.Token);
        return new CliRun(result.ExitCode, stdout.ToString(), stderr.ToString(), DateTime.UtcNow - started);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diskless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Diskless.sln not found above " + AppContext.BaseDirectory);
    }
}
