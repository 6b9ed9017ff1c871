using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Processes;

/// <summary>Looks at and signals processes by pid through /proc, for helpers recorded by pid in earlier commands.</summary>
public static class ProcessTable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>True when <paramref name="pid"/> names a running process; a zombie (exited, not yet reaped) is not alive.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }

        // The command name in parentheses may itself hold spaces and parentheses; the state follows the last ')'.
        var close = stat.LastIndexOf(')');
        var state = close >= 0 && close + 2 < stat.Length ? stat[close + 2] : 'X';
        return state is not ('Z' or 'X' or 'x');
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> with kill(1). A process owned by another user (a
    /// root helper when diskless is not root) is signalled through sudo. False when the process was already gone.
    /// </summary>
    public static async Task<bool> SignalAsync(int pid, ProcessSignal signal, ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (!IsAlive(pid))
        {
            return false;
        }

        var name = signal switch
        {
            ProcessSignal.Interrupt => "INT",
            ProcessSignal.Terminate => "TERM",
            _ => "KILL",
        };
        var command = new CommandSpec("kill", "-s", name, pid.ToString(CultureInfo.InvariantCulture))
        {
            Description = $"signal {name} to pid {pid}",
            RequiresRoot = OwnerUid(pid) is { } owner && owner != OwnerUid(Environment.ProcessId),
            SuccessExitCodes = [0, 1],
        };
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>Waits until <paramref name="pid"/> is gone (or a zombie); false when it is still alive after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The real uid owning <paramref name="pid"/>, from /proc/pid/status; null when the process is gone.</summary>
    public static int? OwnerUid(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 1 } ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }
}
