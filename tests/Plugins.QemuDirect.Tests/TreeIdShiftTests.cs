using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>The test helper that moves a tree into a range must never leave the tree: trees link to the host's /run.</summary>
public sealed class TreeIdShiftTests : IDisposable
{
    private static readonly IdMap Map = new(200000, 4321, 300000, 4322);
    private readonly string _tmp = Directory.CreateTempSubdirectory("dl-shift-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [RequiresFact(Root = true)]
    public async Task Owners_move_into_the_range_links_are_changed_not_followed_and_setuid_stays()
    {
        var tree = Directory.CreateDirectory(Path.Combine(_tmp, "tree")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_tmp, "outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "host-file"), "");
        Directory.CreateDirectory(Path.Combine(tree, "var"));
        File.CreateSymbolicLink(Path.Combine(tree, "var", "run"), outside);
        var tool = Path.Combine(tree, "su");
        File.WriteAllText(tool, "");
        File.SetUnixFileMode(tool, (UnixFileMode)0b100_111_101_101);
        await new Diskless.Cli.Processes.CliWrapCommandRunner(new RecordingProgress()).RunAsync(new CommandSpec("ln", tool, Path.Combine(tree, "su-again")), CancellationToken.None);

        TreeIdShift.Shift(tree, Map);

        Assert.Equal((0L, 0L), Owner(Path.Combine(outside, "host-file")));
        Assert.Equal((0L, 0L), Owner(outside));
        Assert.Equal((200000L, 300000L), Owner(Path.Combine(tree, "var", "run")));
        Assert.Equal((200000L, 300000L), Owner(tool));
        Assert.Equal((UnixFileMode)0b100_111_101_101, File.GetUnixFileMode(tool));
        Assert.Equal((200000L, 300000L), Owner(tree));
    }

    private static (long, long) Owner(string path) => FileStatus.Read(path, followLinks: false) is { } s ? (s.Uid, s.Gid) : (-1, -1);
}
