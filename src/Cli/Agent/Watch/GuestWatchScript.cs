namespace Diskless.Cli.Agent.Watch;

/// <summary>The guest side of <c>watch</c> (guest-watch.pl, embedded) and the one command line that starts it over SSH.</summary>
internal static class GuestWatchScript
{
    /// <summary>The exit code of the command when the guest has no perl.</summary>
    public const int NoPerl = 127;

    public static string Text { get; } = Load();

    /// <summary>
    /// Runs the loop as guest root when the login user may sudo without a password (setting the mtime of a file the
    /// user does not own needs it), else as the user. Its stdin is the protocol; it ends when that closes.
    /// </summary>
    /// <remarks>
    /// The loop watches at most as many folders as the guest may cache FUSE inodes (its kernel command line says);
    /// <paramref name="maxWatches"/> sets another bound (tests).
    /// </remarks>
    public static string Command(IEnumerable<WatchedFolder> folders, int? maxWatches = null) =>
        "if [ \"$(id -u)\" != 0 ] && sudo -n true 2>/dev/null; then set -- sudo -n; else set --; fi\n"
        + $"command -v perl >/dev/null 2>&1 || {{ echo 'the guest has no perl' >&2; exit {NoPerl}; }}\n"
        + "exec \"$@\" perl -e '" + Text.Replace("'", "'\\''", StringComparison.Ordinal) + "' "
        + (maxWatches is { } max ? $"max-watches={max} " : "")
        + string.Join(' ', folders.Select(f => GuestMessages.Hex(f.GuestRoot))) + "\n";

    private static string Load()
    {
        using var stream = typeof(GuestWatchScript).Assembly.GetManifestResourceStream("Diskless.Cli.Agent.Watch.guest-watch.pl")
            ?? throw new InvalidOperationException("guest-watch.pl is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
