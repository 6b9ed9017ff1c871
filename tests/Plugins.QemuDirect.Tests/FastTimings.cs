namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>QEMU's waits shortened for tests against the simulated host, where every answer comes at once or never.</summary>
internal static class FastTimings
{
    public static QemuTimings Value { get; } = new(
        SocketTimeout: TimeSpan.FromSeconds(3),
        PidFileTimeout: TimeSpan.FromSeconds(1),
        QmpTimeout: TimeSpan.FromSeconds(2),
        QuitTimeout: TimeSpan.FromMilliseconds(300),
        KillTimeout: TimeSpan.FromMilliseconds(300),
        HelperGrace: TimeSpan.FromMilliseconds(200),
        PollInterval: TimeSpan.FromMilliseconds(20));
}
