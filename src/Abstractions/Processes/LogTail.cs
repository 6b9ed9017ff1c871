using System.Text.RegularExpressions;

namespace Diskless.Abstractions;

/// <summary>
/// Reads the last lines of a log a program appends to — a guest's serial console
/// (<see cref="MachineHandle.ConsoleLogPath"/>), a helper's own log — which may be growing, not exist yet, or be
/// unreadable; what it returns is for a person and for a provider's console diagnosis.
/// </summary>
public static partial class LogTail
{
    // A console log grows without bound; its end is all anyone reads.
    private const int Window = 64 * 1024;

    /// <summary>
    /// The last <paramref name="lines"/> non-empty lines, oldest first, without carriage returns and terminal colour
    /// codes; empty when there is no log (yet) or it cannot be read.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(string path, int lines, CancellationToken cancellationToken)
    {
        string text;
        long start;
        try
        {
            if (!File.Exists(path))
            {
                return [];
            }

            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await using (stream.ConfigureAwait(false))
            {
                start = Math.Max(0, stream.Length - Window);
                stream.Seek(start, SeekOrigin.Begin);
                using var reader = new StreamReader(stream);
                text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }

        var all = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');

        // Reading from the middle of the file starts inside a line; its end alone would mislead.
        var whole = start > 0 ? all.Skip(1) : all;
        return whole.Select(StripControl).Where(l => l.Length > 0).TakeLast(lines).ToList();
    }

    // A console carries ANSI colour from systemd; a person reads the text.
    private static string StripControl(string line) => AnsiEscape().Replace(line, "").TrimEnd();

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
