using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// Runs tests/Fixtures/NamespaceProbe, which drives NamespaceHolder and SandboxCommand from its own process: as root,
/// or as the ordinary test user through runuser — the honest way to see what an ordinary user's diskless gets.
/// </summary>
internal static class NamespaceProbe
{
    private static string Dll => typeof(NamespaceProbe).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NamespaceProbe").Value
        ?? throw new InvalidOperationException("the test project does not record NamespaceProbe");

    /// <summary>The probe's argv, through runuser for the test user.</summary>
    public static string[] Argv(bool asTestUser, string work, params string[] steps) =>
        asTestUser ? TestUser.Run("dotnet", [Path.GetFullPath(Dll), work, .. steps]) : ["dotnet", Path.GetFullPath(Dll), work, .. steps];

    /// <summary>Runs the steps; the first result is the holder ({pid, fingerprint, uidMap}), then one per step ({exit, stdout, stderr}).</summary>
    public static async Task<IReadOnlyList<JsonElement>> RunAsync(bool asTestUser, string work, params string[] steps)
    {
        var argv = Argv(asTestUser, work, steps);
        var result = await new CliWrapCommandRunner(new RecordingProgress())
            .RunAsync(new CommandSpec(argv[0], argv[1..]) { SuccessExitCodes = Enumerable.Range(0, 256).ToList() }, CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"the probe failed ({result.ExitCode}): {result.StandardError}\n{result.StandardOutput}");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    /// <summary>Starts the probe with --hold and returns it once its holder is up, with the probe program's own pid (not runuser's) and the holder's.</summary>
    public static async Task<(Process Probe, int ProbePid, int HolderPid)> StartHoldingAsync(bool asTestUser, string work)
    {
        var argv = Argv(asTestUser, work, "--hold");
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in argv[1..])
        {
            info.ArgumentList.Add(argument);
        }

        var probe = Process.Start(info)!;
        var holderPid = 0;
        var probePid = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await probe.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var json = JsonDocument.Parse(line).RootElement;
            if (json.TryGetProperty("pid", out var pid))
            {
                holderPid = pid.GetInt32();
                probePid = json.GetProperty("probe").GetInt32();
            }

            if (json.TryGetProperty("holding", out _))
            {
                return (probe, probePid, holderPid);
            }
        }

        probe.Kill(entireProcessTree: true);
        throw new InvalidOperationException("the probe ended before holding: " + await probe.StandardError.ReadToEndAsync(timeout.Token));
    }

    /// <summary>A step's result.</summary>
    public static (int Exit, string Stdout, string Stderr) Step(JsonElement result) =>
        (result.GetProperty("exit").GetInt32(), result.GetProperty("stdout").GetString()!, result.GetProperty("stderr").GetString()!);
}
