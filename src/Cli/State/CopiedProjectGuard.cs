using Diskless.Abstractions;
using Diskless.Cli.Processes;

namespace Diskless.Cli.State;

/// <summary>
/// Refuses a machine record another project wrote. A copied or moved <c>.diskless/</c> keeps the machine's id and a
/// machine.json naming the original project's state folder, where the provider finds the running VM's pid file: acting
/// on that record would stop, start or delete the original's machine. The copy's own state folder is the only
/// evidence, so every command that reaches the machine through its record checks it first.
/// </summary>
public static class CopiedProjectGuard
{
    /// <summary>Throws unless <paramref name="record"/> names <paramref name="ownStateDirectory"/> (this project's folder for it) as its state folder.</summary>
    public static void RequireOwn(MachineRecord record, string ownStateDirectory)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(ownStateDirectory);
        if (Resolve(record.StateDirectory) == Resolve(ownStateDirectory))
        {
            return;
        }

        var origin = OriginProject(record.StateDirectory);
        throw new DisklessException(
            $"Machine '{record.Name}': this project's .diskless was copied or moved from {origin}. Its machine.json names " +
            $"{record.StateDirectory} as the machine's state folder, not {ownStateDirectory}: it is that project's machine, " +
            "and acting on it from here would stop, start or delete the original. Nothing was changed.",
            $"To forget the copy's machine, remove {ownStateDirectory} by hand (that does not touch the original); " +
            $"to have a machine of its own here, run `diskless destroy` in {origin} first.",
            ExitCodes.WrongMachineState);
    }

    /// <summary>The project folder of <c>&lt;project&gt;/.diskless/machines/&lt;name&gt;</c>; the folder itself when it has another shape.</summary>
    private static string OriginProject(string stateDirectory)
    {
        var machines = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(stateDirectory));
        var dotDiskless = machines is null ? null : Path.GetDirectoryName(machines);
        return Path.GetFileName(machines) == "machines" && Path.GetFileName(dotDiskless) == ".diskless" && Path.GetDirectoryName(dotDiskless) is { } project
            ? project
            : stateDirectory;
    }

    // Links resolved: a project reached through a linked folder is still the same project.
    private static string Resolve(string folder) =>
        RealPath.Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
}
