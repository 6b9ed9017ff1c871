using System.Collections.Concurrent;
using Diskless.Cli.Agent.Watch;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent.Watch;

/// <summary>The host side on a real folder with real inotify.</summary>
public sealed class HostTreeWatcherTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TempDirectory _outside = new();
    private readonly BlockingCollection<HostChange> _changes = [];
    private readonly List<string> _log = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly WatchedFolder _folder;
    private HostTreeWatcher? _watcher;
    private Task? _running;

    public HostTreeWatcherTests()
    {
        _folder = new WatchedFolder(_temp.Path, "/project");
        Directory.CreateDirectory(Path.Combine(_temp.Path, "src/deep"));
        File.WriteAllText(Path.Combine(_temp.Path, "src/deep/a.txt"), "one");
        File.WriteAllText(Path.Combine(_outside.Path, "secret"), "x");
        Directory.CreateSymbolicLink(Path.Combine(_temp.Path, "link"), _outside.Path);
    }

    [Fact]
    public void Content_and_entry_changes_anywhere_in_the_tree_are_reported_attribute_changes_are_not()
    {
        Start();
        var file = Path.Combine(_temp.Path, "src/deep/a.txt");

        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-1));
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_000);
        File.WriteAllText(Path.Combine(_temp.Path, "sentinel"), "z");
        Assert.Equal([(Path.Combine(_temp.Path, "sentinel"), true), (Path.Combine(_temp.Path, "sentinel"), false)], Take(2).Select(c => (c.HostPath, c.EntryChanged)));
        File.AppendAllText(file, "two");
        File.Move(file, Path.Combine(_temp.Path, "src/b.txt"));

        // The sentinel's write may still be reported once more (its close after the write), whatever the timing.
        Assert.Equal(
            [(file, false), (file, true), (Path.Combine(_temp.Path, "src/b.txt"), true)],
            Take(3, except: Path.Combine(_temp.Path, "sentinel")).Select(c => (c.HostPath, c.EntryChanged)));
    }

    [Fact]
    public void A_link_to_a_folder_elsewhere_is_not_entered()
    {
        Start();

        File.AppendAllText(Path.Combine(_outside.Path, "secret"), "y");
        File.WriteAllText(Path.Combine(_temp.Path, "sentinel"), "z");

        Assert.Equal(Path.Combine(_temp.Path, "sentinel"), Take(1)[0].HostPath);
    }

    [Fact]
    public void What_a_folder_made_on_the_host_holds_is_reported_and_its_own_edits_later_too()
    {
        Start();
        var made = Path.Combine(_temp.Path, "made");
        var staged = Path.Combine(_outside.Path, "staged");
        Directory.CreateDirectory(staged);
        File.WriteAllText(Path.Combine(staged, "inside.txt"), "1");

        Directory.Move(staged, made);
        var first = Take(2);
        File.AppendAllText(Path.Combine(made, "inside.txt"), "2");

        Assert.Equal([(made, true), (Path.Combine(made, "inside.txt"), true)], first.Select(c => (c.HostPath, c.EntryChanged)));
        Assert.Equal((Path.Combine(made, "inside.txt"), false), Take(1).Select(c => (c.HostPath, c.EntryChanged)).Single());
    }

    [Fact]
    public void The_guest_sides_hidden_names_are_not_reported()
    {
        Start();

        File.WriteAllText(Path.Combine(_temp.Path, ".diskless-watch-1-1"), "");
        File.Delete(Path.Combine(_temp.Path, ".diskless-watch-1-1"));
        File.WriteAllText(Path.Combine(_temp.Path, "sentinel"), "z");

        Assert.Equal(Path.Combine(_temp.Path, "sentinel"), Take(1)[0].HostPath);
    }

    [Fact]
    public void A_folder_in_two_synced_folders_reports_its_changes_for_both()
    {
        var inner = new WatchedFolder(Path.Combine(_temp.Path, "src"), "/src");
        _watcher = new HostTreeWatcher(_changes.Add, _log.Add);
        _watcher.Add(inner);
        _watcher.Add(_folder);
        _running = Task.Factory.StartNew(() => _watcher.Run(_stop.Token), TaskCreationOptions.LongRunning);

        File.AppendAllText(Path.Combine(_temp.Path, "src/deep/a.txt"), "two");

        Assert.Equal(3, _watcher.Watches);
        Assert.Equal(["/src/deep/a.txt", "/project/src/deep/a.txt"], Take(2).Select(c => c.Folder.ToGuest(c.HostPath)));
    }

    [Fact]
    public void Its_state_reader_refuses_a_path_through_a_link()
    {
        Assert.Null(HostFileStat.Read(_temp.Path, Path.Combine(_temp.Path, "link/secret")));
        Assert.NotNull(HostFileStat.Read(_temp.Path, Path.Combine(_temp.Path, "src/deep/a.txt")));
        Assert.False(HostFileStat.Read(_temp.Path, Path.Combine(_temp.Path, "link"))!.IsDirectory);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _running?.Wait();
        _watcher?.Dispose();
        _stop.Dispose();
        _changes.Dispose();
        _temp.Dispose();
        _outside.Dispose();
    }

    private void Start()
    {
        _watcher = new HostTreeWatcher(_changes.Add, _log.Add);
        _watcher.Add(_folder);
        Assert.Equal(3, _watcher.Watches);
        _running = Task.Factory.StartNew(() => _watcher.Run(_stop.Token), TaskCreationOptions.LongRunning);
    }

    /// <summary>The next <paramref name="count"/> distinct-in-a-row changes (a write is several IN_MODIFY).</summary>
    private List<HostChange> Take(int count, string? except = null)
    {
        var taken = new List<HostChange>();
        while (taken.Count < count)
        {
            Assert.True(_changes.TryTake(out var change, TimeSpan.FromSeconds(10)), $"only {taken.Count} of {count} changes came");
            if (change.HostPath != except && (taken.Count == 0 || taken[^1] != change))
            {
                taken.Add(change);
            }
        }

        return taken;
    }
}
