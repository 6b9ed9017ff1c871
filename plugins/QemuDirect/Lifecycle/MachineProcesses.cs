using Diskless.Abstractions;

namespace Diskless.Plugins.QemuDirect;

/// <summary>Tells a machine's own processes from others that may have reused their pids.</summary>
internal static class MachineProcesses
{
    /// <summary>QEMU runs and is ours: its command line names this machine's QMP socket.</summary>
    public static bool IsQemuRunning(IProcessTable table, HandleData data) =>
        table.IsAlive(data.QemuPid) && (table.CommandLine(data.QemuPid)?.Contains(data.QmpSocket, StringComparison.Ordinal) ?? false);

    /// <summary>
    /// The machine's virtiofsd processes still running: their command lines name its runtime folder, or they are
    /// exiting and have none left (a pid reused since would be neither, unless it too is about to go).
    /// </summary>
    public static IReadOnlyList<int> LiveHelpers(IProcessTable table, HandleData data, MachineFiles files) =>
        data.VirtiofsdPids
            .Where(pid => table.IsAlive(pid)
                && ((table.CommandLine(pid)?.Contains(files.RuntimeDirectory, StringComparison.Ordinal) ?? false) || table.IsExiting(pid)))
            .ToList();
}
