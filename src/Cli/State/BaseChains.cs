namespace Diskless.Cli.State;

/// <summary>
/// What <c>prune</c> may remove when bases derive from one another (pure but for the removal it is handed): a base a
/// machine uses is kept, and so is every base a kept base was derived from, up its chain; the rest goes, children
/// before their parents, so a parent is removed only once nothing kept derives from it.
/// </summary>
internal static class BaseChains
{
    /// <summary>
    /// Goes through <paramref name="bases"/> deepest first and calls <paramref name="tryRemove"/> on each base that no
    /// machine uses (<paramref name="users"/>) and no kept base derives from (<paramref name="parentOf"/>); a base
    /// <paramref name="tryRemove"/> could not take (null: locked by another command) is kept, and with it its parents.
    /// </summary>
    public static async Task<PruneOutcome> PruneAsync(
        IReadOnlyList<string> bases,
        IReadOnlyDictionary<string, string?> parentOf,
        IReadOnlyDictionary<string, IReadOnlyList<string>> users,
        Func<string, CancellationToken, Task<long?>> tryRemove,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentNullException.ThrowIfNull(parentOf);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(tryRemove);
        var present = bases.ToHashSet(StringComparer.Ordinal);
        var kept = new List<KeptBase>();
        var removed = new List<RemovedBase>();
        var keptKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in bases.OrderByDescending(k => Depth(k, parentOf, present)).ThenBy(k => k, StringComparer.Ordinal))
        {
            var usedBy = users.TryGetValue(key, out var u) ? u : [];
            if (usedBy.Count > 0)
            {
                kept.Add(new KeptBase(key, "in use", usedBy));
                keptKeys.Add(key);
                continue;
            }

            var keptChild = bases.Where(keptKeys.Contains).Where(c => ParentOf(c, parentOf, present) == key).Order(StringComparer.Ordinal).FirstOrDefault();
            if (keptChild is not null)
            {
                kept.Add(new KeptBase(key, $"base {keptChild}, which is kept, was derived from it", []));
                keptKeys.Add(key);
                continue;
            }

            if (await tryRemove(key, cancellationToken).ConfigureAwait(false) is { } freed)
            {
                removed.Add(new RemovedBase(key, freed));
            }
            else
            {
                kept.Add(new KeptBase(key, "another diskless command is building or cloning it (skipped; run prune again later)", []));
                keptKeys.Add(key);
            }
        }

        return new PruneOutcome(
            [.. removed.OrderBy(r => r.Key, StringComparer.Ordinal)],
            [.. kept.OrderBy(k => k.Key, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The bases that must stay because a base in <paramref name="inUse"/> derives from them, directly or further up
    /// its chain, each with the kept base that needs it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NeededParents(IReadOnlyCollection<string> bases, IReadOnlyDictionary<string, string?> parentOf, IEnumerable<string> inUse)
    {
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentNullException.ThrowIfNull(parentOf);
        ArgumentNullException.ThrowIfNull(inUse);
        var present = bases.ToHashSet(StringComparer.Ordinal);
        var needed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in inUse.Where(present.Contains).Order(StringComparer.Ordinal))
        {
            var child = key;
            var seen = new HashSet<string>(StringComparer.Ordinal) { key };
            while (ParentOf(child, parentOf, present) is { } parent && seen.Add(parent))
            {
                needed.TryAdd(parent, child);
                child = parent;
            }
        }

        return needed;
    }

    private static string? ParentOf(string key, IReadOnlyDictionary<string, string?> parentOf, HashSet<string> present) =>
        parentOf.TryGetValue(key, out var parent) && parent is not null && present.Contains(parent) && parent != key ? parent : null;

    /// <summary>How many bases lie above <paramref name="key"/> in its chain (a cycle, which only a tampered record makes, ends the walk).</summary>
    private static int Depth(string key, IReadOnlyDictionary<string, string?> parentOf, HashSet<string> present)
    {
        var depth = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal) { key };
        while (ParentOf(key, parentOf, present) is { } parent && seen.Add(parent))
        {
            depth++;
            key = parent;
        }

        return depth;
    }
}

/// <summary>What a prune did: the bases it removed and the ones it kept, with why.</summary>
internal sealed record PruneOutcome(IReadOnlyList<RemovedBase> Removed, IReadOnlyList<KeptBase> Kept);

/// <summary>A removed base and the bytes it freed.</summary>
internal sealed record RemovedBase(string Key, long FreedBytes);

/// <summary>A kept base, why, and the machines that use it.</summary>
internal sealed record KeptBase(string Key, string Reason, IReadOnlyList<string> UsedBy);
