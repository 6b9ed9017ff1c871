using Diskless.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>QEMU and virtiofsd processes still mentioning a text (a machine id, say), by their command lines for the failure message.</summary>
internal static class LeftOverProcesses
{
    private static readonly ProcProcessTable Table = new();

    public static List<string> Mentioning(string text) =>
        Table.FindByCommandLine(text)
            .Select(Table.CommandLine)
            .OfType<string>()
            .Where(c => c.Contains("qemu", StringComparison.Ordinal) || c.Contains("virtiofsd", StringComparison.Ordinal))
            .ToList();
}
