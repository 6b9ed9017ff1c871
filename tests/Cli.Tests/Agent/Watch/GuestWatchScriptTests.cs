using System.Diagnostics;
using Diskless.Cli.Agent.Watch;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent.Watch;

/// <summary>
/// The guest side, run here through its real command line (perl-base is on this host as in a Debian guest), on a
/// local folder standing in for the guest's mount: the events it makes are the ones a watcher in that folder hears.
/// </summary>
public sealed class GuestWatchScriptTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Process _loop;

    public GuestWatchScriptTests()
    {
        File.WriteAllText(Path.Combine(_temp.Path, "a.txt"), "content\n");
        var start = new ProcessStartInfo("sh", ["-c", GuestWatchScript.Command([new WatchedFolder("/unused", _temp.Path)])])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _loop = Process.Start(start)!;
        Assert.StartsWith("ready ", _loop.StandardOutput.ReadLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_modified_file_gets_modify_and_close_write_and_keeps_its_content_and_mtime()
    {
        var file = Path.Combine(_temp.Path, "a.txt");
        var state = HostFileStat.Read(_temp.Path, file)!;
        using var watcher = new RawInotify(_temp.Path);

        Send($"M\t{GuestMessages.Hex(file)}\t{state.MtimeSeconds}\t{state.MtimeNanoseconds}\t0");

        Assert.Equal(["MODIFY a.txt", "OPEN a.txt", "CLOSE_WRITE a.txt"], watcher.Take(10_000));
        Assert.Equal(state, HostFileStat.Read(_temp.Path, file));
        Assert.Equal("content\n", File.ReadAllText(file));
    }

    [Fact]
    public void A_folder_line_makes_and_removes_a_hidden_name_and_sets_the_folders_mtime_back()
    {
        var state = HostFileStat.Read(_temp.Path, _temp.Path)!;
        using var watcher = new RawInotify(_temp.Path);

        Send($"F\t{GuestMessages.Hex(_temp.Path)}\t{state.MtimeSeconds}\t{state.MtimeNanoseconds}");

        var events = watcher.Take(10_000);
        Assert.Contains(events, e => e.StartsWith("CREATE .diskless-watch-", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("DELETE .diskless-watch-", StringComparison.Ordinal));
        Assert.Equal("MODIFY,ISDIR ", events[^1]);
        Assert.Equal(state.MtimeNanoseconds, HostFileStat.Read(_temp.Path, _temp.Path)!.MtimeNanoseconds);
        Assert.Equal(["a.txt"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void What_the_guest_wrote_itself_is_not_touched_again_when_the_host_reports_it()
    {
        var file = Path.Combine(_temp.Path, "mine.txt");
        using var watcher = new RawInotify(_temp.Path);
        File.WriteAllText(file, "the guest's\n");
        var state = HostFileStat.Read(_temp.Path, file)!;
        var written = watcher.Take(10_000);

        Send($"M\t{GuestMessages.Hex(file)}\t{state.MtimeSeconds}\t{state.MtimeNanoseconds}\t0");
        Send($"F\t{GuestMessages.Hex(_temp.Path)}\t1\t0");
        // A line after them that does make events: once they are heard, the two before were handled and made none.
        var other = Path.Combine(_temp.Path, "a.txt");
        var otherState = HostFileStat.Read(_temp.Path, other)!;
        Send($"M\t{GuestMessages.Hex(other)}\t{otherState.MtimeSeconds}\t{otherState.MtimeNanoseconds}\t0");

        Assert.Contains("CLOSE_WRITE mine.txt", written);
        Assert.Equal(["MODIFY a.txt", "OPEN a.txt", "CLOSE_WRITE a.txt"], watcher.Take(10_000));
    }

    [Fact]
    public void A_file_the_guest_cannot_find_gets_its_folders_event_instead()
    {
        using var watcher = new RawInotify(_temp.Path);

        Send($"M\t{GuestMessages.Hex(Path.Combine(_temp.Path, "not-there"))}\t1\t0\t0");

        Assert.Contains(watcher.Take(10_000), e => e.StartsWith("CREATE .diskless-watch-", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "not-there")));
    }

    [Fact]
    public void The_loop_ends_when_its_input_closes()
    {
        _loop.StandardInput.Close();

        Assert.True(_loop.WaitForExit(10_000));
        Assert.Equal(0, _loop.ExitCode);
    }

    public void Dispose()
    {
        if (!_loop.HasExited)
        {
            _loop.Kill();
            _loop.WaitForExit();
        }

        _loop.Dispose();
        _temp.Dispose();
    }

    private void Send(string line)
    {
        _loop.StandardInput.WriteLine(line);
        _loop.StandardInput.Flush();
    }
}
