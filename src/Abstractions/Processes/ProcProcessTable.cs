using System.Globalization;

namespace Diskless.Abstractions;

/// <summary>The process table as Linux shows it under /proc.</summary>
public sealed class ProcProcessTable : IProcessTable
{
    // PF_EXITING in /proc/<pid>/stat's flags: set when the process starts to exit, before its memory (and with it
    // the command line) is released and long before it becomes a zombie.
    private const uint ExitingFlag = 0x4;

    /// <inheritdoc />
    public bool IsAlive(int pid) => Stat(pid) is { State: not ('Z' or 'X' or 'x') };

    /// <inheritdoc />
    public bool IsExiting(int pid) => Stat(pid) is { State: not ('Z' or 'X' or 'x'), Flags: var flags } && (flags & ExitingFlag) != 0;

    /// <inheritdoc />
    public string? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return raw.Length == 0 ? null : raw.TrimEnd('\0').Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string>? Argv(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");

            // Every argument ends in NUL, an empty one included; the last NUL ends the list, not an empty argument.
            return raw.Length == 0 ? null : raw[..^(raw[^1] == '\0' ? 1 : 0)].Split('\0');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<int> FindByCommandLine(params string[] fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        return OtherPids()
            .Where(pid => CommandLine(pid) is { } commandLine && fragments.All(f => commandLine.Contains(f, StringComparison.Ordinal)) && IsAlive(pid))
            .ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<int> FindOwned(long ownerUid, Func<IReadOnlyList<string>, bool> argvMatches)
    {
        ArgumentNullException.ThrowIfNull(argvMatches);

        // The owner is read after the argv: a pid that was reused in between shows the new owner or is gone.
        return OtherPids()
            .Where(pid => Argv(pid) is { } argv && argvMatches(argv) && OwnerUid(pid) == ownerUid && IsAlive(pid))
            .ToList();
    }

    /// <inheritdoc />
    public int? OwnerUid(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        try
        {
            // "Uid:\treal\teffective\tsaved\tfilesystem"
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 1 } && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<int> OtherPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId)
            {
                yield return pid;
            }
        }
    }

    /// <summary>
    /// The state and flags of "pid (comm) S ppid pgrp session tty tpgid flags ..."; comm may hold spaces and
    /// parentheses, so the fields are counted from the last ')'. A process that cannot be read is reported as
    /// running and not exiting: someone else's, which must not be mistaken for gone.
    /// </summary>
    private static (char State, uint Flags)? Stat(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var end = stat.LastIndexOf(')');
            var fields = end >= 0 ? stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            var state = fields.Length > 0 && fields[0].Length == 1 ? fields[0][0] : '?';
            var flags = fields.Length > 6 && uint.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            return (state, flags);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return ('R', 0);
        }
    }
}
