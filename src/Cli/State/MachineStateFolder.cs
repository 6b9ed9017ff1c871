namespace Diskless.Cli.State;

/// <summary>
/// Removing a machine's state folder happens in two halves because its lock lives inside it: everything but the
/// lock first, then the folder with its lock file as the lock is released (see <see cref="MachineLock.DisposeAsync"/>).
/// </summary>
internal static class MachineStateFolder
{
    /// <summary>Deletes everything in the folder except the lock files of the command holding it.</summary>
    public static void RemoveAllButLock(string machineStateDirectory)
    {
        if (!Directory.Exists(machineStateDirectory))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(machineStateDirectory).EnumerateFileSystemInfos())
        {
            if (entry.Name is MachineLock.LockFileName or MachineLock.HolderFileName)
            {
                continue;
            }

            if (entry is DirectoryInfo folder && folder.LinkTarget is null)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
