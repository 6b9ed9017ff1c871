using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Reads /etc/subuid and /etc/subgid ("name-or-uid:start:count" per line) the way shadow's newuidmap does: a user
/// appears by name or by numeric uid, possibly on several lines. Diskless needs one range of at least
/// <see cref="IdMap.GuestIdCount"/> ids and takes the first such line.
/// </summary>
public static class SubordinateIds
{
    /// <summary>The file of subordinate uids.</summary>
    public const string UidFile = "/etc/subuid";

    /// <summary>The file of subordinate gids.</summary>
    public const string GidFile = "/etc/subgid";

    private const long IdLimit = 1L << 32;

    /// <summary>The first range of <paramref name="lines"/> that belongs to the user and is big enough; null when there is none.</summary>
    public static SubordinateRange? Find(IEnumerable<string> lines, string userName, long uid)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var uidText = uid.ToString(CultureInfo.InvariantCulture);
        foreach (var line in lines)
        {
            if (Parse(line) is { } entry && (entry.Owner == userName || entry.Owner == uidText) && entry.Range.Count >= IdMap.GuestIdCount)
            {
                return entry.Range;
            }
        }

        return null;
    }

    /// <summary>The user's range in the file at <paramref name="path"/>; null when the file or the range is missing.</summary>
    public static SubordinateRange? Read(string path, string userName, long uid) =>
        File.Exists(path) ? Find(File.ReadLines(path), userName, uid) : null;

    /// <summary>One line as (owner, range); null for blank lines, comments and lines that are not three valid fields.</summary>
    internal static (string Owner, SubordinateRange Range)? Parse(string line)
    {
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
        {
            return null;
        }

        var fields = text.Split(':');
        if (fields.Length != 3 || fields[0].Length == 0
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count == 0 || start >= IdLimit || count > IdLimit - start)
        {
            // newuidmap skips what it cannot read; so does Diskless, rather than guessing.
            return null;
        }

        return (fields[0], new SubordinateRange(start, count));
    }
}
