using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// Moves a machine an earlier version kept in the project (<c>.diskless/machines/&lt;name&gt;/</c>) into the data dir,
/// once. That folder was in the guest's reach, so it is read as the guest could have left it: each folder and file
/// opened without following links and only if the user running Diskless owns it, the record checked like any other
/// (<see cref="RecordCheck"/>) and also against the data dir (its root must be there, and no other project's
/// machine may have its id), and marked as booted, so nothing from its root runs on the host again.
/// </summary>
public static class LegacyMachineState
{
    private const int MaxRecordBytes = 1 << 20;
    private const int MaxFileBytes = 256 << 20;

    // Rewritten here, or files no version ever kept in the project: one found there is the guest's, and each steers the
    // host (what the machine was started with decides whether a reload reboots it; the forwards are removed by port).
    private static readonly HashSet<string> NotMoved = new(StringComparer.Ordinal)
    {
        MachineRecordStore.FileName,
        MachineLock.LockFileName,
        MachineLock.HolderFileName,
        Pipeline.Lifecycle.PortsOnlyReload.FileName,
        Agent.Ports.ForwardsState.AutoFileName,
        Agent.Ports.ForwardsState.AddedFileName,
        Agent.AgentPidFile.FileName,
    };

    /// <summary>
    /// Moves the machine's old state folder into <paramref name="state"/>'s and returns its record; null when there is
    /// none to move. The caller holds the machine's lock in the new folder.
    /// </summary>
    /// <exception cref="DisklessException">The old folder holds a record this project cannot take (copied from another project, not one Diskless wrote).</exception>
    public static async Task<MachineRecord?> MoveAsync(
        ProjectState state, string machineName, Func<IdMap?> currentMap, IProgressReporter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(progress);
        var owner = HostIdentity.CurrentUid();
        var legacyFolder = state.LegacyMachineStateDirectory(machineName);
        BeneathFolder? folder;
        try
        {
            folder = BeneathFolder.Open(state.ProjectDirectory, [".diskless", "machines", machineName], owner);
        }
        catch (UntrustedFileException e)
        {
            progress.Warn($"{e.Message}: it was not read (machines are kept in the data dir now)");
            return null;
        }

        using (folder)
        {
            byte[]? text;
            try
            {
                text = folder?.ReadFile(MachineRecordStore.FileName, owner, MaxRecordBytes);
            }
            catch (UntrustedFileException e)
            {
                progress.Warn($"{e.Message}: it was not read (machines are kept in the data dir now)");
                return null;
            }

            if (folder is null || text is null)
            {
                return null;
            }

            var record = Parse(text, legacyFolder);
            RequireOwnProject(record, legacyFolder, state);
            RequireMachineOfThisDataDir(record, machineName, state);
            var checkedRecord = RecordCheck.Normalize(record, machineName, state, currentMap) with { Booted = true };

            var target = state.MachineStateDirectory(machineName);
            foreach (var name in folder.Names().Where(n => !NotMoved.Contains(n)))
            {
                await CopyAsync(folder, name, owner, target, progress, cancellationToken).ConfigureAwait(false);
            }

            await MachineRecordStore.SaveAsync(target, checkedRecord, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var name in folder.Names())
                {
                    folder.DeleteFile(name);
                }

                RemoveEmptyFolder(state, machineName, owner);
            }
            catch (IOException e)
            {
                // The machine is moved; what stays behind is only clutter, and the new state is what counts from now.
                progress.Warn($"{legacyFolder} could not be removed ({e.Message}): remove it by hand");
            }

            progress.Info($"Machine '{machineName}': its state moved from {legacyFolder} to {target}, where the guest cannot reach it.");
            return checkedRecord;
        }
    }

    /// <summary>The project an old record names as its home, when it is not this one: a copied or moved project's <c>.diskless</c>.</summary>
    public static string? CopiedFrom(MachineRecord record, string legacyFolder)
    {
        ArgumentNullException.ThrowIfNull(record);
        var named = Path.TrimEndingDirectorySeparator(Path.GetFullPath(record.StateDirectory ?? ""));
        if (named == Path.TrimEndingDirectorySeparator(Path.GetFullPath(legacyFolder)))
        {
            return null;
        }

        // <project>/.diskless/machines/<name>
        var project = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(named)));
        return project ?? named;
    }

    private static MachineRecord Parse(byte[] text, string legacyFolder)
    {
        try
        {
            return JsonSerializer.Deserialize<MachineRecord>(text, JsonState.Options) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new DisklessException(
                $"{Path.Combine(legacyFolder, MachineRecordStore.FileName)}, the record an earlier version kept, is damaged: {e.Message}",
                $"move it away (mv {legacyFolder} {legacyFolder}.bak) and run the command again",
                ExitCodes.Failure,
                e);
        }
    }

    private static void RequireOwnProject(MachineRecord record, string legacyFolder, ProjectState state)
    {
        if (CopiedFrom(record, legacyFolder) is not { } origin)
        {
            return;
        }

        throw new DisklessException(
            $"Machine '{record.Name}': this project's .diskless was copied or moved from {origin}. Its machine.json is that project's: "
            + "acting on it from here would stop, start or delete the original. Nothing was changed.",
            $"to have a machine of its own here, remove the copy's old state (rm -r {legacyFolder}; that does not touch the original) and run the command again; "
            + $"if {origin} was moved here, run `diskless status` in a Diskless of this version there first",
            ExitCodes.WrongMachineState);
    }

    private static void RequireMachineOfThisDataDir(MachineRecord record, string machineName, ProjectState state)
    {
        var root = Path.Combine(state.Paths.MachinesDirectory, record.Id ?? "", "root");
        if (record.RootPath != root || FileStatus.Read(root, followLinks: false) is not { IsDirectory: true })
        {
            throw new DisklessException(
                $"Machine '{machineName}': the record an earlier version kept in {state.LegacyMachineStateDirectory(machineName)} names the root {record.RootPath}, "
                + $"which is not a machine root of {state.Paths.DataDirectory}. It was not moved.",
                $"if the data dir moved, set DISKLESS_HOME to where it is now; otherwise move the old state away (mv {state.LegacyMachineStateDirectory(machineName)} /tmp/) and `diskless up` a new machine",
                ExitCodes.WrongMachineState);
        }

        foreach (var (stateDirectory, entry) in ProjectEntry.All(state.Paths.ProjectsDirectory))
        {
            var machines = Path.Combine(stateDirectory, "machines");
            if (!Directory.Exists(machines))
            {
                continue;
            }

            foreach (var other in Directory.EnumerateDirectories(machines))
            {
                if (TryReadId(other) == record.Id && !(entry.Path == state.RealProjectDirectory && Path.GetFileName(other) == machineName))
                {
                    throw new DisklessException(
                        $"Machine '{machineName}': the record an earlier version kept in {state.LegacyMachineStateDirectory(machineName)} names machine {record.Id}, "
                        + $"which is machine '{Path.GetFileName(other)}' of {entry.Path}. It was not moved.",
                        $"move the old state away (mv {state.LegacyMachineStateDirectory(machineName)} /tmp/) and `diskless up` a new machine",
                        ExitCodes.WrongMachineState);
                }
            }
        }
    }

    private static string? TryReadId(string machineStateDirectory)
    {
        try
        {
            var text = File.ReadAllText(MachineRecordStore.PathIn(machineStateDirectory));
            return JsonSerializer.Deserialize<MachineRecord>(text, JsonState.Options)?.Id;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task CopyAsync(BeneathFolder folder, string name, long owner, string target, IProgressReporter progress, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = folder.ReadFile(name, owner, MaxFileBytes);
        }
        catch (UntrustedFileException e)
        {
            progress.Warn($"{e.Message}: not moved");
            return;
        }

        if (bytes is not null)
        {
            // Owner-only: the old folder held the private key, and nothing in it is anyone else's business.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            var stream = new FileStream(Path.Combine(target, name), options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void RemoveEmptyFolder(ProjectState state, string machineName, long owner)
    {
        using var machines = BeneathFolder.Open(state.ProjectDirectory, [".diskless", "machines"], owner);
        if (machines is null)
        {
            return;
        }

        machines.DeleteFolder(machineName);
    }
}
