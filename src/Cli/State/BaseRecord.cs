using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// What the host knows of one cached base, kept next to it (<c>bases/&lt;key&gt;.json</c>): the full spec it was made
/// for, so a later base can find it as a parent, and the base it was derived from (null when built from nothing).
/// Written by the host only, after the base is in place.
/// </summary>
/// <param name="Key">The base's cache key, the name of its folder.</param>
/// <param name="Spec">Everything that determined it.</param>
/// <param name="DerivedFrom">The key of the base it was cloned from before its extra packages were installed; null when built from nothing.</param>
internal sealed record BaseRecord(string Key, BaseSpec Spec, string? DerivedFrom);

/// <summary>Reads and writes the <see cref="BaseRecord"/> files of the data dir's bases.</summary>
internal static class BaseRecords
{
    private const string Extension = ".json";

    public static string PathFor(HostPaths paths, string key) => Path.Combine(paths.BasesDirectory, key + Extension);

    public static Task WriteAsync(HostPaths paths, BaseRecord record, CancellationToken cancellationToken) =>
        JsonState.SaveAsync(PathFor(paths, record.Key), record, cancellationToken);

    /// <summary>The record of base <paramref name="key"/>; null when there is none, it is a link, damaged, or names another key.</summary>
    public static BaseRecord? Read(HostPaths paths, string key)
    {
        var file = new FileInfo(PathFor(paths, key));
        // A link is never read: nothing in the data dir is trusted to point elsewhere.
        if (!file.Exists || file.LinkTarget is not null)
        {
            return null;
        }

        try
        {
            var record = System.Text.Json.JsonSerializer.Deserialize<BaseRecord>(File.ReadAllText(file.FullName), JsonState.Options);
            return record is { Spec: not null } && record.Key == key ? record : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or NotSupportedException)
        {
            // A damaged record only costs a derivation: the base is still used by its key, and prune keeps going.
            return null;
        }
    }

    /// <summary>The records of every base folder in the cache, by key.</summary>
    public static IReadOnlyDictionary<string, BaseRecord> ReadAll(HostPaths paths)
    {
        var records = new SortedDictionary<string, BaseRecord>(StringComparer.Ordinal);
        foreach (var key in Keys(paths))
        {
            if (Read(paths, key) is { } record)
            {
                records[key] = record;
            }
        }

        return records;
    }

    /// <summary>Which base each base was derived from, for every base folder in the cache (null: built from nothing, or unknown).</summary>
    public static IReadOnlyDictionary<string, string?> Parents(HostPaths paths) =>
        Keys(paths).ToDictionary(k => k, k => Read(paths, k)?.DerivedFrom, StringComparer.Ordinal);

    /// <summary>Removes the record of base <paramref name="key"/>, if any.</summary>
    public static void Delete(HostPaths paths, string key) => File.Delete(PathFor(paths, key));

    /// <summary>The keys of the base folders in the cache (not links, not the lock folder).</summary>
    public static IReadOnlyList<string> Keys(HostPaths paths) =>
        Directory.Exists(paths.BasesDirectory)
            ? [.. Directory.EnumerateDirectories(paths.BasesDirectory)
                .Where(d => !Path.GetFileName(d).StartsWith('.') && new DirectoryInfo(d).LinkTarget is null)
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
}
