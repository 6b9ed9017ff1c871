using System.Text;
using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// <see cref="IRootFiles"/> answered by tests/Fixtures/NamespaceProbe running NamespacedRootFiles as the ordinary test
/// user (one probe, so one fresh namespace with the same map, per call): the scenario a root test runs in-process runs
/// unchanged as the user.
/// </summary>
internal sealed class ProbeRootFiles(string work, string rootDirectory) : IRootFiles
{
    public string Path => rootDirectory;

    public async Task<RootFile?> ReadAsync(string guestPath, long maxBytes, CancellationToken cancellationToken)
    {
        var answer = await AskAsync($"read={maxBytes}:{guestPath}");
        return answer.ValueKind == JsonValueKind.Null
            ? null
            : new RootFile(guestPath, answer.GetProperty("content").GetString()!, (UnixFileMode)answer.GetProperty("mode").GetInt32());
    }

    public async Task<IReadOnlyList<string>> ListFilesAsync(string guestFolder, CancellationToken cancellationToken) =>
        (await AskAsync("list=" + guestFolder)).EnumerateArray().Select(e => e.GetString()!).ToList();

    public async Task<bool> ExistsAsync(string guestPath, CancellationToken cancellationToken) =>
        (await AskAsync("exists=" + guestPath)).GetBoolean();

    public Task ApplyAsync(IReadOnlyList<RootEdit> edits, CancellationToken cancellationToken) =>
        AskAsync("apply=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(RootEditJson.Serialize(edits))));

    private async Task<JsonElement> AskAsync(string request)
    {
        var results = await NamespaceProbe.RunAsync(asTestUser: true, work, $"files={rootDirectory}={request}");
        var (exit, stdout, stderr) = NamespaceProbe.Step(results[1]);
        if (exit != 0)
        {
            throw new DisklessException(stderr);
        }

        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
