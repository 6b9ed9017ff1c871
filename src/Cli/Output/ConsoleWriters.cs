using System.Text;

namespace Diskless.Cli.Output;

/// <summary>
/// The program's standard output and error. <see cref="Console.Out"/> and <see cref="Console.Error"/> first look the
/// locale's charset up by name among the runtime's encodings: start-up work that status of a machine not created
/// (bench/startup.sh) can skip. When every locale variable names UTF-8 or no charset, which the runtime resolves to
/// <see cref="Encoding.Default"/> too (UTF-8, no byte-order mark), the same writers are made here directly: over the
/// console's own streams, flushed at every write, safe across threads. Any other charset gets the runtime's writers.
/// </summary>
internal static class ConsoleWriters
{
    // Console's own buffer for its writers: a line longer than that goes out in pieces, as it does through Console.Out.
    private const int WriteBufferSize = 256;

    private static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];
    private static readonly Lazy<TextWriter> OutWriter = new(() => Make(Console.OpenStandardOutput, () => Console.Out));
    private static readonly Lazy<TextWriter> ErrorWriter = new(() => Make(Console.OpenStandardError, () => Console.Error));

    /// <summary>Standard output.</summary>
    public static TextWriter Out => OutWriter.Value;

    /// <summary>Standard error.</summary>
    public static TextWriter Error => ErrorWriter.Value;

    /// <summary>Flushes what was written through these writers and the runtime's (before the process is replaced).</summary>
    public static void Flush()
    {
        if (OutWriter.IsValueCreated)
        {
            OutWriter.Value.Flush();
        }

        if (ErrorWriter.IsValueCreated)
        {
            ErrorWriter.Value.Flush();
        }

        Console.Out.Flush();
        Console.Error.Flush();
    }

    /// <summary>Whether the locale (LC_ALL, LC_MESSAGES, LANG, whichever the runtime reads) means UTF-8 output.</summary>
    internal static bool LocaleIsUtf8(Func<string, string?> environment)
    {
        foreach (var name in LocaleVariables)
        {
            if (environment(name) is { Length: > 0 } locale && Charset(locale) is { } charset
                && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    // language[_territory][.charset][@modifier]
    private static string? Charset(string locale)
    {
        var dot = locale.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return null;
        }

        var charset = locale[(dot + 1)..];
        var at = charset.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? charset : charset[..at];
    }

    private static TextWriter Make(Func<Stream> open, Func<TextWriter> runtimes)
    {
        if (!LocaleIsUtf8(Environment.GetEnvironmentVariable))
        {
            return runtimes();
        }

        var stream = open();
        return stream == Stream.Null
            ? TextWriter.Null
            : TextWriter.Synchronized(new StreamWriter(stream, Encoding.Default, WriteBufferSize, leaveOpen: true) { AutoFlush = true });
    }
}
