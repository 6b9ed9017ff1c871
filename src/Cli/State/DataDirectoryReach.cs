using Diskless.Abstractions;
using Diskless.Cli.Processes;

namespace Diskless.Cli.State;

/// <summary>
/// The data dir holds what the host trusts (records, keys, the lock) and the roots of every machine: inside a folder
/// a machine writes, its guest could change them. Checked before a machine is made or started.
/// </summary>
public static class DataDirectoryReach
{
    /// <summary>Throws when the data dir of <paramref name="paths"/> is, or lies inside, a writable synced folder of <paramref name="machine"/>.</summary>
    public static void RequireOutOfReach(HostPaths paths, MachineSpec machine)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(machine);
        var data = RealPath.Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(paths.DataDirectory)));
        foreach (var folder in machine.SyncedFolders.Where(f => !f.ReadOnly))
        {
            var synced = RealPath.Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder.HostPath)));
            if (data == synced || RealPath.IsStrictlyUnder(data, synced))
            {
                throw new DisklessException(
                    $"Machine '{machine.Name}': the data dir {paths.DataDirectory} lies inside the synced folder {folder.HostPath}, which the guest writes: "
                    + "it could change the machine records and keys the host trusts, and the roots of every machine. Nothing was built.",
                    "keep the data dir outside the project: unset DISKLESS_HOME, or point it elsewhere (export DISKLESS_HOME=~/.local/share/diskless)",
                    ExitCodes.NotAvailable);
            }
        }
    }
}
