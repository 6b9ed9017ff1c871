namespace Diskless.Abstractions;

/// <summary>
/// Reads the host's process table, for helpers recorded by pid in earlier commands. Signals go through
/// <see cref="ICommandRunner"/> (<see cref="ProcessSignals"/>), never through here, so they are logged and can be
/// sent as root. The host lends one through <see cref="IHostServices.Processes"/>; tests pose a pretend one.
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

    /// <summary>Live processes whose command line contains every one of <paramref name="fragments"/>.</summary>
    IReadOnlyList<int> FindByCommandLine(params string[] fragments);

    /// <summary>The real uid owning <paramref name="pid"/>; null when the process is gone.</summary>
    int? OwnerUid(int pid);
}
