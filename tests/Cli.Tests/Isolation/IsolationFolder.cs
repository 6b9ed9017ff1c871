using Diskless.Cli.Processes;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>
/// A test folder another host user can reach (0755, unlike a /tmp temp folder), owned by whom the test says: the
/// project folder of a namespace test. Removed as root, whatever subordinate ids own its files by then.
/// </summary>
internal sealed class IsolationFolder : IAsyncDisposable
{
    private IsolationFolder(string path) => Path = path;

    public string Path { get; }

    public static async Task<IsolationFolder> CreateAsync(long ownerUid, long ownerGid)
    {
        var path = Directory.CreateTempSubdirectory("diskless-userns-").FullName;
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        await ChownAsync(path, ownerUid, ownerGid, recursive: false);
        return new IsolationFolder(path);
    }

    public static Task ChownAsync(string path, long uid, long gid, bool recursive) =>
        new CliWrapCommandRunner(new RecordingProgress()).RunAsync(
            new CommandSpec("chown", recursive ? ["-R", $"{uid}:{gid}", path] : [$"{uid}:{gid}", path]), CancellationToken.None);

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Path, recursive: true);
        return ValueTask.CompletedTask;
    }
}
