using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Reads a recorded helper's descriptor use. The C virtiofsd forks and its child serves; wrappers (bwrap) may fork
/// too: so the recorded pid and its descendants are read, and the busiest is the one that counts.
/// </summary>
public static class HelperDescriptors
{
    /// <summary>How deep below the recorded pid the serving process may be (prlimit, namespace and sandbox wrappers, virtiofsd, its child).</summary>
    public const int MaxDepth = 6;

    /// <summary>
    /// The busiest of <paramref name="pid"/> and its descendants; when no count is readable, the recorded pid with its
    /// limit (which every descendant inherits) and no count; null when not even that can be read.
    /// </summary>
    public static DescriptorUse? Read(ProcDescriptors proc, int pid, string process)
    {
        ArgumentNullException.ThrowIfNull(proc);
        DescriptorUse? busiest = proc.Limit(pid) is { } own ? new DescriptorUse(process, pid, null, own.Soft, own.Hard) : null;
        foreach (var candidate in Tree(proc, pid))
        {
            if (proc.Open(candidate) is { } open && proc.Limit(candidate) is { } limit && (busiest?.Open is null || open > busiest.Open))
            {
                busiest = new DescriptorUse(process, candidate, open, limit.Soft, limit.Hard);
            }
        }

        return busiest;
    }

    /// <summary><paramref name="pid"/> and its descendants down to <see cref="MaxDepth"/>, level by level.</summary>
    public static IReadOnlyList<int> Tree(ProcDescriptors proc, int pid)
    {
        ArgumentNullException.ThrowIfNull(proc);
        var tree = new List<int>();
        var level = new List<int> { pid };
        for (var depth = 0; depth <= MaxDepth && level.Count > 0; depth++)
        {
            tree.AddRange(level);
            level = level.SelectMany(proc.Children).ToList();
        }

        return tree;
    }
}
