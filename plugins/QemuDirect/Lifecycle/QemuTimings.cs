namespace Diskless.Plugins.QemuDirect;

/// <summary>How long the lifecycle waits at each step; tests shorten them.</summary>
/// <param name="SocketTimeout">For virtiofsd to create its socket.</param>
/// <param name="PidFileTimeout">For QEMU's pid file after -daemonize returned.</param>
/// <param name="QmpTimeout">For a QMP connection and one command.</param>
/// <param name="QuitTimeout">For QEMU to exit after QMP "quit".</param>
/// <param name="KillTimeout">For a process to vanish after SIGKILL.</param>
/// <param name="HelperGrace">For virtiofsd to exit by itself once QEMU is gone.</param>
/// <param name="PollInterval">Between two looks at the process table or the file system.</param>
public sealed record QemuTimings(
    TimeSpan SocketTimeout,
    TimeSpan PidFileTimeout,
    TimeSpan QmpTimeout,
    TimeSpan QuitTimeout,
    TimeSpan KillTimeout,
    TimeSpan HelperGrace,
    TimeSpan PollInterval)
{
    /// <summary>The production values.</summary>
    public static readonly QemuTimings Default = new(
        SocketTimeout: TimeSpan.FromSeconds(15),
        PidFileTimeout: TimeSpan.FromSeconds(5),
        QmpTimeout: TimeSpan.FromSeconds(5),
        QuitTimeout: TimeSpan.FromSeconds(10),
        KillTimeout: TimeSpan.FromSeconds(5),
        HelperGrace: TimeSpan.FromSeconds(3),
        PollInterval: TimeSpan.FromMilliseconds(100));
}
