namespace Diskless.Cli.Pipeline;

/// <summary>Reads the last lines of a guest's serial console log, which may be growing or not exist yet.</summary>
internal static class ConsoleLog
{
    public static async Task<IReadOnlyList<string>> TailAsync(string path, int lines, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        const int window = 64 * 1024;
        stream.Seek(Math.Max(0, stream.Length - window), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return text.Replace("\r", "", StringComparison.Ordinal)
            .Split('\n')
            .Select(StripControl)
            .Where(l => l.Length > 0)
            .TakeLast(lines)
            .ToList();
    }

    // The console carries ANSI colour from systemd; a person reads the text.
    private static string StripControl(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, @"\x1b\[[0-9;?]*[A-Za-z]", "").TrimEnd();
}
