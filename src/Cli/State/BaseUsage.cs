namespace Diskless.Cli.State;

/// <summary>
/// Which base each machine in the data dir was cloned from, across projects: <c>machines/&lt;id&gt;/base</c> holds the
/// base's cache key, written before the clone. The machine records live in their projects, which the data dir does
/// not know; this file is what <c>diskless prune</c> reads to keep every base a machine uses.
/// </summary>
internal static class BaseUsage
{
    /// <summary>The marker's name inside a machine's folder in the data dir.</summary>
    public const string FileName = "base";

    /// <summary>Records that the machine whose folder is <paramref name="machineDataDirectory"/> uses the base <paramref name="baseKey"/>.</summary>
    public static Task RecordAsync(string machineDataDirectory, string baseKey, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(machineDataDirectory, FileName), baseKey + "\n", cancellationToken);

    /// <summary>
    /// Every machine folder in <paramref name="machinesDirectory"/> with the base it uses; null for a machine made
    /// before the marker existed (its base is unknown).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Read(string machinesDirectory)
    {
        var uses = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        if (!Directory.Exists(machinesDirectory))
        {
            return uses;
        }

        foreach (var machine in Directory.EnumerateDirectories(machinesDirectory))
        {
            var marker = new FileInfo(Path.Combine(machine, FileName));
            // A link is never read: the folder is the data dir's, but nothing in it is trusted to point elsewhere.
            uses[Path.GetFileName(machine)] = marker.Exists && marker.LinkTarget is null ? File.ReadAllText(marker.FullName).Trim() : null;
        }

        return uses;
    }
}
