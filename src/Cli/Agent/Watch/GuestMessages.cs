using System.Globalization;
using System.Text;

namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// Turns a batch of host changes into the lines the guest side reads (guest-watch.pl): <c>M</c> for a path that
/// exists, with its host mtime; <c>F</c> for a folder an entry appeared in or went from. A path whose state is the
/// one last told is dropped: the guest side's own operations (setting an mtime to its value, opening for writing and
/// closing) reach the host's inotify too, and must not come back.
/// </summary>
internal sealed class GuestMessages(Func<WatchedFolder, string, HostFileState?> stat)
{
    private const int Remembered = 100_000;
    private readonly Dictionary<string, HostFileState?> _told = new(StringComparer.Ordinal);

    public IReadOnlyList<string> For(IReadOnlyList<HostChange> batch)
    {
        if (_told.Count > Remembered)
        {
            _told.Clear();
        }

        var lines = new List<string>();
        var folders = new List<(WatchedFolder Folder, string Path)>();
        foreach (var change in batch)
        {
            if (change.Folder.ToGuest(change.HostPath) is not { } guestPath)
            {
                continue;
            }

            var state = stat(change.Folder, change.HostPath);
            var known = _told.TryGetValue(change.HostPath, out var told);
            if (!change.EntryChanged && known && told == state)
            {
                continue;
            }

            _told[change.HostPath] = state;
            if (state is not null)
            {
                lines.Add(Line("M", guestPath, state, state.IsDirectory ? "1" : "0"));
            }

            if ((change.EntryChanged || state is null) && change.HostPath != change.Folder.HostRoot)
            {
                var parent = Path.GetDirectoryName(change.HostPath)!;
                if (!folders.Contains((change.Folder, parent)))
                {
                    folders.Add((change.Folder, parent));
                }
            }
        }

        foreach (var (folder, path) in folders)
        {
            if (folder.ToGuest(path) is { } guestPath && stat(folder, path) is { IsDirectory: true } state)
            {
                _told[path] = state;
                lines.Add(Line("F", guestPath, state));
            }
        }

        return lines;
    }

    /// <summary>Paths go hex-encoded: a file name may hold any byte but NUL and '/', tabs and newlines too.</summary>
    public static string Hex(string path) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(path));

    private static string Line(string kind, string guestPath, HostFileState state, params string[] more) =>
        string.Join('\t', [kind, Hex(guestPath), state.MtimeSeconds.ToString(CultureInfo.InvariantCulture), state.MtimeNanoseconds.ToString(CultureInfo.InvariantCulture), .. more]);
}
