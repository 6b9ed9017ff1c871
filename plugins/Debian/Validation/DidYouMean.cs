namespace Diskless.Plugins.Debian.Validation;

/// <summary>Suggests the known word closest to a mistyped one (edit distance at most 2, or a third of its length).</summary>
internal static class DidYouMean
{
    public static string? Suggest(string word, IEnumerable<string> known)
    {
        var limit = Math.Max(2, word.Length / 3);
        return known
            .Select(k => (Known: k, Distance: Distance(word.ToLowerInvariant(), k)))
            .Where(c => c.Distance <= limit && c.Distance > 0)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Known, StringComparer.Ordinal)
            .Select(c => c.Known)
            .FirstOrDefault();
    }

    public static string? Hint(string word, IEnumerable<string> known) =>
        Suggest(word, known) is { } suggestion ? $"did you mean '{suggestion}'?" : null;

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
