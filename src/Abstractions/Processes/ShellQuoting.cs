namespace Diskless.Abstractions;

/// <summary>POSIX shell quoting, for logging commands and for the rare command line handed to a remote shell.</summary>
public static class ShellQuoting
{
    /// <summary>Quotes one word so that sh reads it back unchanged.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length > 0 && word.All(IsSafe))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Quotes each word and joins them with spaces.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    private static bool IsSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or ',' or '=' or '+' or '@' or '%';
}
