using System.Diagnostics;
using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Processes;

/// <summary>
/// Starts a helper in its own session with its output appended to a log. A small sh wrapper reports its own
/// pid and then execs the helper, so the pid returned is the helper's even when sudo sits in between.
/// </summary>
internal static class DetachedStart
{
    // $1 is the log; the rest is the helper's argv. The log is opened before the pid is reported, so a caller that reads
    // it once the pid is back finds it (reporting first raced the open); exec keeps the pid that was printed. A log that
    // cannot be opened stops the wrapper before it reports a pid, and its stderr says why.
    private const string Wrapper = "log=$1; shift; exec 3>>\"$log\"; printf '%s\\n' \"$$\"; exec \"$@\" >&3 2>&1 3>&- </dev/null";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> StartAsync(string setsid, ResolvedCommand resolved, CommandSpec command, string logPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var info = new ProcessStartInfo(setsid)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // setsid execs in place (a freshly started child is not a group leader); sudo, if any, forks the wrapper,
        // which prints its pid and execs the helper.
        string[] wrapper = ["/bin/sh", "-c", Wrapper, "sh", logPath, resolved.Program];
        foreach (var argument in resolved.Prefix.Concat(wrapper).Concat(resolved.Arguments))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in command.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        if (command.WorkingDirectory is not null)
        {
            info.WorkingDirectory = command.WorkingDirectory;
        }

        using var process = Process.Start(info) ?? throw MissingProgram.Error("setsid");
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        string? firstLine;
        try
        {
            firstLine = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Started but never reported: do not leave a helper nobody knows the pid of.
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (firstLine is not null && int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return pid;
        }

        var errors = await process.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        var tail = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(40).ToList();
        throw new CommandFailedException(command, process.HasExited ? process.ExitCode : -1, tail);
    }
}
