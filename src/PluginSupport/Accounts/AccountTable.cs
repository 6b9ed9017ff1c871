using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.PluginSupport.Accounts;

/// <summary>
/// One colon-separated account file (passwd, group, shadow, gshadow) as lines of fields. The guest wrote it, so
/// every line is checked before anything is read from it: a wrong field count, a control character, a bad id or
/// home is a <see cref="DisklessException"/> naming the file and line, never a crash or a line that injects
/// another. Lines Diskless does not change are written back exactly as they were.
/// </summary>
public sealed class AccountTable
{
    private readonly List<string> _lines;
    private readonly int _fieldCount;

    private AccountTable(RootFile file, List<string> lines, int fieldCount)
    {
        File = file;
        _lines = lines;
        _fieldCount = fieldCount;
    }

    public RootFile File { get; }

    /// <summary>True once a line was added or changed.</summary>
    public bool Changed { get; private set; }

    /// <summary>The new content: the lines, each ending in a newline.</summary>
    public string Content => string.Concat(_lines.Select(l => l + "\n"));

    /// <summary>Splits and checks <paramref name="file"/>, whose lines must have <paramref name="fieldCount"/> fields.</summary>
    public static AccountTable Parse(RootFile file, int fieldCount)
    {
        var text = file.Content;
        var lines = text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n').ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Any(char.IsControl))
            {
                throw Malformed(file, i, "holds a control character");
            }

            // Read as UTF-8, invalid bytes become U+FFFD: written back, they would change a line Diskless never meant to.
            if (line.Contains('\uFFFD', StringComparison.Ordinal))
            {
                throw Malformed(file, i, "is not valid UTF-8");
            }

            if (line.Length > 0 && line.Split(':').Length != fieldCount)
            {
                throw Malformed(file, i, $"has {line.Split(':').Length} fields, not {fieldCount}");
            }
        }

        return new AccountTable(file, lines, fieldCount);
    }

    /// <summary>Indexes of the non-empty lines.</summary>
    public IEnumerable<int> Entries => Enumerable.Range(0, _lines.Count).Where(i => _lines[i].Length > 0);

    public string[] Fields(int index) => _lines[index].Split(':');

    /// <summary>The index of the first line for <paramref name="name"/> (as getpwnam finds it); -1 when none.</summary>
    public int Find(string name) => Entries.FirstOrDefault(i => Fields(i)[0] == name, -1);

    /// <summary>A numeric id field, 0 to 2^31-1 (what an int holds; Debian's own ids stay far below).</summary>
    public int Id(int index, int field)
    {
        var text = Fields(index)[field];
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw Malformed(File, index, $"has '{text}' as field {field + 1}, which is not an id");
    }

    /// <summary>A path field that must be absolute and plain (no "..": a home is handed to the user).</summary>
    public string GuestPath(int index, int field)
    {
        var text = Fields(index)[field];
        var plain = text.StartsWith('/') && !text.Split('/').Contains("..");
        return plain ? text : throw Malformed(File, index, $"has '{text}' as field {field + 1}, which is not an absolute path without '..'");
    }

    /// <summary>Every id in <paramref name="field"/> of the table's lines.</summary>
    public IReadOnlySet<int> Ids(int field) => Entries.Select(i => Id(i, field)).ToHashSet();

    public void Add(params string[] fields)
    {
        _lines.Add(Join(fields));
        Changed = true;
    }

    public void Replace(int index, params string[] fields)
    {
        var line = Join(fields);
        if (line != _lines[index])
        {
            _lines[index] = line;
            Changed = true;
        }
    }

    public void RemoveAll(string name)
    {
        Changed |= _lines.RemoveAll(l => l.Length > 0 && l.Split(':')[0] == name) > 0;
    }

    /// <summary>Adds <paramref name="member"/> to the comma-separated list in <paramref name="field"/> of <paramref name="group"/>'s line, if that line exists.</summary>
    public void AddMember(string group, int field, string member)
    {
        var index = Find(group);
        if (index < 0)
        {
            return;
        }

        var fields = Fields(index);
        var members = fields[field].Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (!members.Contains(member, StringComparer.Ordinal))
        {
            fields[field] = string.Join(',', [.. members, member]);
            Replace(index, fields);
        }
    }

    private string Join(string[] fields)
    {
        // Only Diskless's own values reach here (a checked user name, numbers, fixed strings): a colon or newline in
        // one would be a bug, not guest input.
        if (fields.Length != _fieldCount || fields.Any(f => f.Contains(':', StringComparison.Ordinal) || f.Any(char.IsControl)))
        {
            throw new InvalidOperationException($"A line for {File.GuestPath} must be {_fieldCount} plain fields: {string.Join('|', fields)}");
        }

        return string.Join(':', fields);
    }

    private static DisklessException Malformed(RootFile file, int index, string problem) =>
        new(
            $"The machine's {file.GuestPath} line {index + 1} {problem}; Diskless will not edit an account file it cannot read.",
            "Fix the file from inside the guest (`diskless ssh`, then `sudo vipw` or `sudo vigr`), or `diskless destroy` the machine.");
}
