namespace Diskless.Cli.State;

/// <summary>Reads and writes a machine's <c>machine.json</c> in its state folder.</summary>
public static class MachineRecordStore
{
    /// <summary>The file name inside the machine's state folder.</summary>
    public const string FileName = "machine.json";

    /// <summary>The path of the record in <paramref name="machineStateDirectory"/>.</summary>
    public static string PathIn(string machineStateDirectory) => Path.Combine(machineStateDirectory, FileName);

    /// <summary>The machine's record; null when the machine was never created.</summary>
    public static Task<MachineRecord?> LoadAsync(string machineStateDirectory, CancellationToken cancellationToken) =>
        JsonState.LoadAsync<MachineRecord>(PathIn(machineStateDirectory), cancellationToken);

    /// <summary>Writes the record atomically (temp file, fsync, rename).</summary>
    public static Task SaveAsync(string machineStateDirectory, MachineRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonState.SaveAsync(PathIn(machineStateDirectory), record, cancellationToken);
    }

    /// <summary>Removes the record, if any.</summary>
    public static void Delete(string machineStateDirectory) => File.Delete(PathIn(machineStateDirectory));
}
