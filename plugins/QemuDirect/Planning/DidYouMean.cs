namespace Diskless.Plugins.QemuDirect;

/// <summary>Suggests the known word closest to a misspelt one.</summary>
internal static class DidYouMean
{
    /// <summary>The candidate within a small edit distance of <paramref name="word"/>, or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Candidate: c, Distance: Distance(word.ToLowerInvariant(), c)))
            .Where(x => x.Distance <= Math.Max(2, x.Candidate.Length / 3))
            .OrderBy(x => x.Distance)
            .Select(x => x.Candidate)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
