using System.Globalization;

namespace Diskless.Plugins.QemuDirect;

/// <summary>The process table as Linux shows it under /proc.</summary>
public sealed class ProcProcessTable : IProcessTable
{
    /// <inheritdoc />
    public bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            // "pid (comm) S ..." — comm may hold spaces and parentheses, so the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var end = stat.LastIndexOf(')');
            var state = end >= 0 && end + 2 < stat.Length ? stat[end + 2] : '?';
            return state is not ('Z' or 'X' or 'x');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

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
    public IReadOnlyList<int> FindByCommandLine(params string[] fragments)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            var commandLine = CommandLine(pid);
            if (commandLine is not null && fragments.All(f => commandLine.Contains(f, StringComparison.Ordinal)) && IsAlive(pid))
            {
                found.Add(pid);
            }
        }

        return found;
    }
}
