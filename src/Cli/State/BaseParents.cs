using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>Which cached base a new base is best derived from (pure).</summary>
internal static class BaseParents
{
    /// <summary>
    /// The candidate with the largest package set that is a strict subset of <paramref name="target"/>'s, with the same
    /// distro, release, mirror, architecture and options (the fewest packages left to install); ties go to the
    /// ordinally first key, so the choice never depends on the order of a listing. Null when none fits.
    /// </summary>
    public static (string Key, BaseSpec Spec)? Choose(BaseSpec target, IEnumerable<(string Key, BaseSpec Spec)> candidates)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(candidates);
        var wanted = target.Packages.ToHashSet(StringComparer.Ordinal);
        return candidates
            .Where(c => SameApartFromPackages(target, c.Spec))
            .Where(c => c.Spec.Packages.Distinct(StringComparer.Ordinal).Count() < wanted.Count && c.Spec.Packages.All(wanted.Contains))
            .OrderByDescending(c => c.Spec.Packages.Distinct(StringComparer.Ordinal).Count())
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => ((string, BaseSpec)?)c)
            .FirstOrDefault();
    }

    /// <summary>The packages of <paramref name="spec"/> that <paramref name="parent"/> lacks, sorted.</summary>
    public static IReadOnlyList<string> Extra(BaseSpec parent, BaseSpec spec) =>
        [.. spec.Packages.Except(parent.Packages, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static bool SameApartFromPackages(BaseSpec a, BaseSpec b) =>
        a.Distro == b.Distro && a.Release == b.Release && a.Mirror == b.Mirror && a.Architecture == b.Architecture
        && a.Options.Count == b.Options.Count
        && a.Options.All(o => b.Options.TryGetValue(o.Key, out var value) && value == o.Value);
}
