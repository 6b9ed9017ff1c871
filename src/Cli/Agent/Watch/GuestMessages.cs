using System.Globalization;
using System.Text;

namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// Turns a batch of host changes into the lines the guest side reads (guest-watch.pl): <c>M</c> for a path that
/// exists, <c>F</c> for a folder an entry appeared in or went from, each with the path's host mtime, ctime and size
/// (the guest drops a report of a state it has already heard of: its own writes come back this way). A path whose
/// state is the one last told is dropped here: the guest side's own operations (setting an mtime to its value,
/// opening for writing and closing) must not come back; they move only the ctime, which is left out of that match.
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
            if (!change.EntryChanged && known && told == WithoutCtime(state))
            {
                continue;
            }

            _told[change.HostPath] = WithoutCtime(state);
            if (state is not null)
            {
                lines.Add(FileLine(guestPath, state));
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
                _told[path] = WithoutCtime(state);
                lines.Add(FolderLine(guestPath, state));
            }
        }

        return lines;
    }

    /// <summary>Paths go hex-encoded: a file name may hold any byte but NUL and '/', tabs and newlines too.</summary>
    public static string Hex(string path) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(path));

    /// <summary><c>M path mtime-s mtime-ns isdir ctime-s ctime-ns size</c>: the path exists on the host in this state.</summary>
    public static string FileLine(string guestPath, HostFileState state) =>
        Line("M", guestPath, state.MtimeSeconds, state.MtimeNanoseconds, state.IsDirectory ? 1 : 0, state.CtimeSeconds, state.CtimeNanoseconds, state.Size);

    /// <summary><c>F path mtime-s mtime-ns ctime-s ctime-ns size</c>: an entry of this folder appeared or went.</summary>
    public static string FolderLine(string guestPath, HostFileState state) =>
        Line("F", guestPath, state.MtimeSeconds, state.MtimeNanoseconds, state.CtimeSeconds, state.CtimeNanoseconds, state.Size);

    private static string Line(string kind, string guestPath, params long[] numbers) =>
        string.Join('\t', [kind, Hex(guestPath), .. numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))]);

    private static HostFileState? WithoutCtime(HostFileState? state) => state is null ? null : state with { CtimeSeconds = 0, CtimeNanoseconds = 0 };
}
