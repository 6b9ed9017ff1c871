namespace Diskless.Plugins.QemuDirect;

/// <summary>Reads the host's process table. Signals go through ICommandRunner (kill), never through here.</summary>
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
}
