namespace Diskless.Abstractions;

/// <summary>
/// Reads the host's process table, for helpers recorded by pid in earlier commands. Signals go through
/// <see cref="ICommandRunner"/> (<see cref="ProcessSignals"/>), never through here, so they are logged; they are sent
/// as Diskless itself, never through sudo. A recorded pid may belong to anyone by now: a process is one's own only by
/// its owner and its argv (<see cref="FindOwned"/>, <see cref="Argv"/>). The host lends one through
/// <see cref="IHostServices.Processes"/>; tests pose a pretend one.
/// </summary>
public interface IProcessTable
{
    /// <summary>True when <paramref name="pid"/> exists and has not exited (a zombie counts as exited).</summary>
    bool IsAlive(int pid);

    /// <summary>
    /// True while <paramref name="pid"/> has begun to exit and is not yet a zombie; its command line may already read
    /// empty, so it can no longer be told by that.
    /// </summary>
    bool IsExiting(int pid);

    /// <summary>The process's argv joined with spaces; null when it is gone, or exiting and past releasing its memory.</summary>
    string? CommandLine(int pid);

    /// <summary>
    /// The process's argv as the kernel keeps it (/proc/PID/cmdline split on NUL), one element per argument; null when
    /// it is gone, or exiting and past releasing its memory. Matching a process by whole elements, never by a substring
    /// of the joined line, keeps a path from matching a longer one or a word inside another argument.
    /// </summary>
    IReadOnlyList<string>? Argv(int pid);

    /// <summary>
    /// Live processes whose command line contains every one of <paramref name="fragments"/>, whoever owns them: for
    /// looking, never for deciding that a process is one's own (see <see cref="FindOwned"/>).
    /// </summary>
    IReadOnlyList<int> FindByCommandLine(params string[] fragments);

    /// <summary>
    /// Live processes (not this one) whose real uid is <paramref name="ownerUid"/> and whose <see cref="Argv"/>
    /// satisfies <paramref name="argvMatches"/>: how a caller finds processes that are its own.
    /// </summary>
    IReadOnlyList<int> FindOwned(long ownerUid, Func<IReadOnlyList<string>, bool> argvMatches);

    /// <summary>The real uid owning <paramref name="pid"/>; null when the process is gone.</summary>
    int? OwnerUid(int pid);
}
