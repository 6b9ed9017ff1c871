using System.Globalization;

namespace Diskless.ProviderSupport;

/// <summary>
/// Reads descriptor figures of host processes from /proc (or a planted copy of it in tests): how many a process holds
/// and its limit. Only ever for pids the host itself recorded, never one a guest could name.
/// </summary>
/// <param name="procRoot">/proc, or a folder laid out like it.</param>
/// <param name="counted">Counts made another way (<see cref="NamespacedDescriptorCount"/>) for processes whose fdinfo folder this one cannot read.</param>
public sealed class ProcDescriptors(string procRoot = "/proc", IReadOnlyDictionary<int, int>? counted = null)
{
    /// <summary>This reader, with <paramref name="counts"/> standing in for fd folders it cannot read.</summary>
    public ProcDescriptors WithCounts(IReadOnlyDictionary<int, int> counts) => new(procRoot, counts);

    /// <summary>The process's RLIMIT_NOFILE; null when it is gone or unreadable.</summary>
    public DescriptorLimit? Limit(int pid) =>
        Read(Path.Combine(procRoot, Pid(pid), "limits")) is { } text ? DescriptorLimit.ParseProcLimits(text) : null;

    /// <summary>How many descriptors the process holds open; null when it is gone or its fdinfo folder unreadable.</summary>
    public int? Open(int pid)
    {
        try
        {
            // fdinfo, not fd: its entries are plain files, while each of fd's is a link that .NET's enumeration stats
            // through (an lstat and a stat per descriptor: ~2,000 calls for a root's virtiofsd, each time it is counted).
            return Directory.EnumerateFileSystemEntries(Path.Combine(procRoot, Pid(pid), "fdinfo")).Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return counted is not null && counted.TryGetValue(pid, out var count) ? count : null;
        }
    }

    /// <summary>The children of <paramref name="pid"/> (its main thread's), as the kernel lists them.</summary>
    public IReadOnlyList<int> Children(int pid) =>
        (Read(Path.Combine(procRoot, Pid(pid), "task", Pid(pid), "children")) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : -1)
            .Where(child => child > 0)
            .ToList();

    /// <summary>fs.nr_open, the ceiling of any process's hard limit; null when unreadable.</summary>
    public long? NrOpen() =>
        long.TryParse(Read(Path.Combine(procRoot, "sys", "fs", "nr_open"))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>
    /// How far this process may raise a hard limit: fs.nr_open when it holds CAP_SYS_RESOURCE, else null. Host root
    /// in a container often lacks it (these machines: prlimit's EPERM stopped every virtiofsd from starting).
    /// </summary>
    public long? RaiseCeiling() =>
        HasCapability(Read(Path.Combine(procRoot, "self", "status")), CapSysResource) ? NrOpen() : null;

    /// <summary>This process's own limit, which what it starts inherits.</summary>
    public DescriptorLimit? Own() => Limit(Environment.ProcessId);

    private const int CapSysResource = 24;

    private static bool HasCapability(string? status, int capability)
    {
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var effective)
            && (effective & (1UL << capability)) != 0;
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
