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
        Directory.CreateDirectory(Path.Combine(_temp.Path, "sub"));
        var start = new ProcessStartInfo("sh", ["-c", GuestWatchScript.Command([new WatchedFolder("/unused", _temp.Path)])])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _loop = Process.Start(start)!;
        Assert.StartsWith("ready ", _loop.StandardOutput.ReadLine(), StringComparison.Ordinal);
    }

    private string Sub => Path.Combine(_temp.Path, "sub");

    private string Mine => Path.Combine(_temp.Path, "mine.txt");

    [Fact]
    public void A_modified_file_gets_modify_and_close_write_and_keeps_its_content_and_mtime()
    {
        var file = Path.Combine(_temp.Path, "a.txt");
        var state = State(file);
        using var watcher = new RawInotify(_temp.Path);

        Send(GuestMessages.FileLine(file, state));

        Assert.Equal(["MODIFY a.txt", "OPEN a.txt", "CLOSE_WRITE a.txt"], watcher.Take(10_000));
        Assert.Equal(state with { CtimeSeconds = 0, CtimeNanoseconds = 0 }, State(file) with { CtimeSeconds = 0, CtimeNanoseconds = 0 });
        Assert.Equal("content\n", File.ReadAllText(file));
    }

    [Fact]
    public void A_folder_line_makes_and_removes_a_hidden_name_and_sets_the_folders_mtime_back()
    {
        var state = State(_temp.Path);
        using var watcher = new RawInotify(_temp.Path);

        Send(GuestMessages.FolderLine(_temp.Path, state));

        var events = watcher.Take(10_000);
        Assert.Contains(events, e => e.StartsWith("CREATE .diskless-watch-", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("DELETE .diskless-watch-", StringComparison.Ordinal));
        Assert.Equal("MODIFY,ISDIR ", events[^1]);
        Assert.Equal(state.MtimeNanoseconds, State(_temp.Path).MtimeNanoseconds);
        Assert.Equal(["a.txt", "sub"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void What_the_guest_wrote_itself_is_not_touched_again_when_the_host_reports_it()
    {
        using var watcher = new RawInotify(_temp.Path);
        File.WriteAllText(Mine, "the guest's\n");
        var written = watcher.Take(10_000);

        Send(GuestMessages.FileLine(Mine, State(Mine)));
        Send(GuestMessages.FolderLine(_temp.Path, State(_temp.Path)));

        Assert.Contains("CLOSE_WRITE mine.txt", written);
        AssertOnlyTheSentinelIsHeard(watcher);
    }

    [Fact]
    public void A_guest_write_the_host_reports_back_late_makes_no_event()
    {
        using var watcher = new RawInotify(_temp.Path);
        File.WriteAllText(Mine, "the guest's\n");
        var (file, folder) = (State(Mine), State(_temp.Path));
        Assert.Contains("CLOSE_WRITE mine.txt", watcher.Take(10_000));
        // Other host edits keep the loop busy meanwhile (it has read the guest's write from its queue by then).
        AssertOnlyTheSentinelIsHeard(watcher);

        // Longer than the two seconds of the rule this replaces (a window on the guest's clock, which also counted the
        // loop's own work, so a busy guest let the echo through): the rule reads no clock, the pause only has to pass it.
        Thread.Sleep(3_100);
        Send(GuestMessages.FileLine(Mine, file));
        Send(GuestMessages.FolderLine(_temp.Path, folder));

        AssertOnlyTheSentinelIsHeard(watcher);
    }

    [Fact]
    public void A_host_edit_right_after_a_guest_write_of_the_file_is_heard()
    {
        using var watcher = new RawInotify(_temp.Path);
        File.WriteAllText(Mine, "the guest's\n");
        watcher.Take(10_000);

        Send(GuestMessages.FileLine(Mine, Later(State(Mine))));

        Assert.Equal(["MODIFY mine.txt", "OPEN mine.txt", "CLOSE_WRITE mine.txt"], watcher.Take(10_000));
    }

    [Fact]
    public void A_host_delete_right_after_a_guest_write_in_the_folder_is_heard()
    {
        using var watcher = new RawInotify(Sub);
        File.WriteAllText(Path.Combine(Sub, "mine.txt"), "the guest's\n");
        watcher.Take(10_000);

        // The host then deletes another file there: the folder's state is newer than the one the guest heard.
        Send(GuestMessages.FolderLine(Sub, Later(State(Sub))));

        AssertFolderEvent(watcher.Take(10_000));
    }

    [Fact]
    public void Two_host_changes_of_a_folder_in_a_row_are_both_heard()
    {
        using var watcher = new RawInotify(Sub);

        // A file created on the host, then another deleted: the loop's own setting of the folder's mtime for the first
        // is heard in the guest, and is no reason to drop the second.
        Send(GuestMessages.FolderLine(Sub, Later(State(Sub))));
        AssertFolderEvent(watcher.Take(10_000));
        Send(GuestMessages.FolderLine(Sub, Later(State(Sub))));
        AssertFolderEvent(watcher.Take(10_000));
    }

    [Fact]
    public void A_report_of_a_state_older_than_the_guests_own_last_write_makes_no_event()
    {
        using var watcher = new RawInotify(_temp.Path);
        File.WriteAllText(Mine, "the guest's\n");
        var state = State(Mine);
        watcher.Take(10_000);

        Send(GuestMessages.FileLine(Mine, state with { CtimeSeconds = state.CtimeSeconds - 10 }));

        AssertOnlyTheSentinelIsHeard(watcher);
    }

    [Fact]
    public void A_file_the_guest_cannot_find_gets_its_folders_event_instead()
    {
        using var watcher = new RawInotify(_temp.Path);

        Send(GuestMessages.FileLine(Path.Combine(_temp.Path, "not-there"), new HostFileState(1, 0, 0, 0, false, 1, 0)));

        Assert.Contains(watcher.Take(10_000), e => e.StartsWith("CREATE .diskless-watch-", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "not-there")));
    }

    [Fact]
    public void It_watches_no_more_folders_than_its_bound_and_says_so()
    {
        // Each watch pins a folder's inode, which over virtiofs holds one of virtiofsd's descriptors: the loop stops
        // watching at the bound (the guest's FUSE inode bound from its kernel command line; set here), not at the
        // host's open-file limit.
        using var tree = new TempDirectory();
        foreach (var name in new[] { "a", "b", "c", "a/d", "a/e" })
        {
            Directory.CreateDirectory(Path.Combine(tree.Path, name));
        }

        var bounded = Ready(tree.Path, maxWatches: 3);
        var unbounded = Ready(tree.Path, maxWatches: null);

        Assert.Equal(("ready 3", true), (bounded.Ready, bounded.Error.Contains("told apart in the first 3 folders only", StringComparison.Ordinal)));
        Assert.Equal(("ready 6", ""), (unbounded.Ready, unbounded.Error));
    }

    private static (string? Ready, string Error) Ready(string folder, int? maxWatches)
    {
        var start = new ProcessStartInfo("sh", ["-c", GuestWatchScript.Command([new WatchedFolder("/unused", folder)], maxWatches)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var loop = Process.Start(start)!;
        var ready = loop.StandardOutput.ReadLine();
        loop.StandardInput.Close();
        Assert.True(loop.WaitForExit(10_000));
        return (ready, loop.StandardError.ReadToEnd());
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

    /// <summary>The state the host would report after a change of its own made after the guest's last write.</summary>
    private static HostFileState Later(HostFileState state) => state with { CtimeSeconds = state.CtimeSeconds + 10 };

    private static void AssertFolderEvent(List<string> events)
    {
        Assert.Contains(events, e => e.StartsWith("CREATE .diskless-watch-", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("DELETE .diskless-watch-", StringComparison.Ordinal));
        Assert.Equal("MODIFY,ISDIR ", events[^1]);
    }

    /// <summary>
    /// Sends a line that does make events (a host edit of a.txt): the loop takes lines in order, so once they are heard the lines before were
    /// handled, and the events heard are all they made.
    /// </summary>
    private void AssertOnlyTheSentinelIsHeard(RawInotify watcher)
    {
        var sentinel = Path.Combine(_temp.Path, "a.txt");
        Send(GuestMessages.FileLine(sentinel, Later(State(sentinel))));
        Assert.Equal(["MODIFY a.txt", "OPEN a.txt", "CLOSE_WRITE a.txt"], watcher.Take(10_000));
    }

    private HostFileState State(string path) => HostFileStat.Read(_temp.Path, path)!;

    private void Send(string line)
    {
        _loop.StandardInput.WriteLine(line);
        _loop.StandardInput.Flush();
    }
}
