namespace Diskless.EndToEnd;

/// <summary>Finds QEMU and virtiofsd processes by a text in their command line (a machine id, say).</summary>
internal static class ProcessTable
{
    public static List<string> Mentioning(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out var pid) && pid != Environment.ProcessId)
            .Select(CommandLine)
            .Where(c => c.Contains(text, StringComparison.Ordinal) && (c.Contains("qemu", StringComparison.Ordinal) || c.Contains("virtiofsd", StringComparison.Ordinal)))
            .ToList();

    private static string CommandLine(string procDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
