using System.Globalization;
using System.Text;

namespace Diskless.Cli.Processes;

/// <summary>One line of /proc/self/mountinfo.</summary>
/// <param name="MountId">The mount's id.</param>
/// <param name="ParentId">The id of the mount it sits on.</param>
/// <param name="MountPoint">Where it is mounted, unescaped.</param>
/// <param name="FileSystemType">proc, sysfs, btrfs…</param>
/// <param name="Source">The mounted device or pseudo source.</param>
public sealed record MountEntry(int MountId, int ParentId, string MountPoint, string FileSystemType, string Source);

/// <summary>The mounts this process sees, read from /proc/self/mountinfo (the kernel's truth, unlike /etc/mtab).</summary>
public static class MountTable
{
    /// <summary>All current mounts, in mount order.</summary>
    public static IReadOnlyList<MountEntry> Read() => Parse(File.ReadAllText("/proc/self/mountinfo"));

    /// <summary>Mounts at <paramref name="folder"/> or below it, deepest first (the order to unmount them in).</summary>
    public static IReadOnlyList<MountEntry> Under(string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return [.. Read()
            .Where(m => m.MountPoint == root || m.MountPoint.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.MountPoint.Count(c => c == '/'))
            .ThenByDescending(m => m.MountId)];
    }

    /// <summary>Parses the text of a mountinfo file.</summary>
    public static IReadOnlyList<MountEntry> Parse(string mountinfo)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        var entries = new List<MountEntry>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }

            entries.Add(new MountEntry(
                int.Parse(fields[0], CultureInfo.InvariantCulture),
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                Unescape(fields[4]),
                Unescape(fields[separator + 1]),
                Unescape(fields[separator + 2])));
        }

        return entries;
    }

    // The kernel writes space, tab, newline and backslash as \ooo octal escapes.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text.Substring(start, 3).All(c => c is >= '0' and <= '7');
}
