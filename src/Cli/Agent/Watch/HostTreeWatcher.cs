using System.Runtime.InteropServices;
using System.Text;

namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// Watches synced folders on the host with one inotify instance, one watch per folder of each tree (inotify is not
/// recursive), entering no link. Reports every change of content or entries; attribute changes are not watched.
/// Past the host's watch limit it says so once, with the command that raises it, and keeps what it has.
/// </summary>
internal sealed class HostTreeWatcher : IDisposable
{
    private static readonly EnumerationOptions Subfolders = new()
    {
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
    };

    private readonly int _fd;
    // One host folder can be in two synced folders (the project, and a folder of it mounted on its own): inotify
    // gives it one watch, whose events go to the guest path of each.
    private readonly Dictionary<int, List<(WatchedFolder Folder, string Path)>> _folders = [];
    private readonly Action<HostChange> _changed;
    private readonly Action<string> _log;
    private bool _limitSaid;

    public HostTreeWatcher(Action<HostChange> changed, Action<string> log)
    {
        _changed = changed;
        _log = log;
        _fd = Inotify.Init();
        if (_fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == Inotify.EMFILE
                ? "the host's limit of inotify instances is reached (fs.inotify.max_user_instances); raise it with `sudo sysctl fs.inotify.max_user_instances=1024`"
                : $"inotify_init1 failed (errno {errno})");
        }
    }

    /// <summary>The host folders watched so far (one inotify watch each).</summary>
    public int Watches => _folders.Count;

    /// <summary>Watches <paramref name="folder"/>'s whole tree.</summary>
    public void Add(WatchedFolder folder) => AddTree(folder, folder.HostRoot, reportContents: false);

    /// <summary>Reads and reports events until <paramref name="cancellationToken"/> ends; call on a thread of its own.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!Inotify.Wait(_fd, 200))
            {
                continue;
            }

            var read = Inotify.Read(_fd, buffer);
            if (read <= 0)
            {
                continue;
            }

            Dispatch(buffer.AsSpan(0, read));
        }
    }

    public void Dispose() => Inotify.Close(_fd);

    private void Dispatch(ReadOnlySpan<byte> events)
    {
        var at = 0;
        while (at + 16 <= events.Length)
        {
            var wd = BitConverter.ToInt32(events.Slice(at, 4));
            var mask = BitConverter.ToUInt32(events.Slice(at + 4, 4));
            var length = (int)BitConverter.ToUInt32(events.Slice(at + 12, 4));
            var nameBytes = events.Slice(at + 16, length);
            var end = nameBytes.IndexOf((byte)0);
            var name = Encoding.UTF8.GetString(end < 0 ? nameBytes : nameBytes[..end]);
            at += 16 + length;

            if ((mask & Inotify.QueueOverflow) != 0)
            {
                // Events were lost: every folder's root gets an event, so watchers that rescan do.
                _log("the host's inotify queue overflowed; the synced folders' roots get an event");
                foreach (var folder in _folders.Values.SelectMany(f => f).Select(f => f.Folder).Distinct())
                {
                    _changed(new HostChange(folder, folder.HostRoot, EntryChanged: true));
                }

                continue;
            }

            if ((mask & Inotify.Ignored) != 0)
            {
                _folders.Remove(wd);
                continue;
            }

            if (!_folders.TryGetValue(wd, out var watchedAs) || name.Length == 0 || name.StartsWith(WatchedFolder.TempPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var watched in watchedAs.ToList())
            {
                var path = Path.Combine(watched.Path, name);
                var entry = (mask & (Inotify.Create | Inotify.Delete | Inotify.MovedFrom | Inotify.MovedTo)) != 0;
                _changed(new HostChange(watched.Folder, path, entry));
                if ((mask & Inotify.IsDir) != 0 && (mask & (Inotify.Create | Inotify.MovedTo)) != 0)
                {
                    AddTree(watched.Folder, path, reportContents: true);
                }
            }
        }
    }

    private void AddTree(WatchedFolder folder, string root, bool reportContents)
    {
        var queue = new Queue<string>([root]);
        while (queue.TryDequeue(out var path))
        {
            var wd = Inotify.AddWatch(_fd, path);
            if (wd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Inotify.ENOSPC && !_limitSaid)
                {
                    _limitSaid = true;
                    _log(
                        $"the host's inotify watch limit is reached at {_folders.Count} folders ({path} and what follows are not watched: "
                        + "their host edits do not reach the guest); raise it with `sudo sysctl fs.inotify.max_user_watches=1048576`");
                }

                continue;
            }

            if (!_folders.TryGetValue(wd, out var watchedAs))
            {
                _folders[wd] = watchedAs = [];
            }

            if (watchedAs.Contains((folder, path)))
            {
                continue;
            }

            watchedAs.Add((folder, path));
            IEnumerable<FileSystemInfo> entries;
            try
            {
                var folderInfo = new DirectoryInfo(path);
                entries = reportContents ? folderInfo.EnumerateFileSystemInfos("*", Subfolders).ToList() : folderInfo.EnumerateDirectories("*", Subfolders).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry is DirectoryInfo)
                {
                    queue.Enqueue(entry.FullName);
                }

                // A folder made (or moved in) on the host: what it held before its watch existed is new to the guest too.
                if (reportContents && !entry.Name.StartsWith(WatchedFolder.TempPrefix, StringComparison.Ordinal))
                {
                    _changed(new HostChange(folder, entry.FullName, EntryChanged: true));
                }
            }
        }
    }
}
