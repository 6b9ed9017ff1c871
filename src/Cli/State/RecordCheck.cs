using System.Net;
using System.Text.RegularExpressions;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// A machine record is data, not authority. Before any command acts on one, what can be recomputed is recomputed
/// (its folders, from the data dir and the runtime base) and what cannot is checked: the id's shape, the name, the
/// id map against the one this host derives now, and that nothing it hands on carries a line break or a control
/// character (an SSH host with a newline would add options to <c>ssh-config</c>'s output).
/// </summary>
public static partial class RecordCheck
{
    /// <summary>
    /// <paramref name="record"/> with its folders as <paramref name="state"/> computes them; throws when the record
    /// names another machine, has an id that is no machine id, a map other than <paramref name="currentMap"/>, or a value
    /// no Diskless writes.
    /// </summary>
    /// <param name="record">The record as read.</param>
    /// <param name="machineName">The machine the command asked for.</param>
    /// <param name="state">The project's state, which computes the machine's folders.</param>
    /// <param name="currentMap">The map this host gives the project now (<c>MachineIsolation.CurrentMap</c>), asked only when the record has one.</param>
    public static MachineRecord Normalize(MachineRecord record, string machineName, ProjectState state, Func<IdMap?> currentMap)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(currentMap);
        if (record.Id is null || !MachineId().IsMatch(record.Id))
        {
            throw Refused(state, machineName, $"its id '{Printable(record.Id)}' is not a machine id (12 hex digits)");
        }

        if (record.Name != machineName)
        {
            throw Refused(state, machineName, $"it is the record of a machine named '{Printable(record.Name)}'");
        }

        if (record.IdMap is { } recorded && currentMap() is var current && recorded != current)
        {
            throw new DisklessException(
                $"Machine '{machineName}': its record maps guest ids to host uids from {recorded.SubordinateUidStart} (guest user: host uid {recorded.LoginUid}), "
                + (current is null
                    ? "but this host gives you no subordinate range now"
                    : $"but this host gives the project uids from {current.SubordinateUidStart} (guest user: host uid {current.LoginUid})")
                + ". Diskless acts on a machine only with the map it derives itself: a recorded map could make guest root host root.",
                $"if /etc/subuid, /etc/subgid or the project folder's owner changed, change them back; otherwise forget the machine (rm -r {state.MachineStateDirectory(machineName)}) and `diskless up` a new one",
                ExitCodes.WrongMachineState);
        }

        if (record.SshHost is { } host && !IsHostName(host))
        {
            throw Refused(state, machineName, $"its SSH host '{Printable(host)}' is neither an IP address nor a host name");
        }

        if (record.ProviderData.FirstOrDefault(p => HasControl(p.Key) || HasControl(p.Value)) is { Key: not null } bad)
        {
            throw Refused(state, machineName, $"its provider data '{Printable(bad.Key)}' holds a control character");
        }

        var stateDirectory = state.MachineStateDirectory(machineName);
        return record with
        {
            RootPath = Path.Combine(state.Paths.MachinesDirectory, record.Id, "root"),
            StateDirectory = stateDirectory,
            RuntimeDirectory = state.RuntimeDirectory(record.Id),
            ConsoleLogPath = Path.Combine(stateDirectory, "console.log"),
        };
    }

    private static bool IsHostName(string host) =>
        IPAddress.TryParse(host, out _) || HostName().IsMatch(host);

    private static bool HasControl(string? text) => text is not null && text.Any(char.IsControl);

    private static string Printable(string? text) => text is null ? "" : new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static DisklessException Refused(ProjectState state, string machineName, string why) => new(
        $"Machine '{machineName}': its record is not one Diskless wrote: {why}. Nothing was done.",
        $"if you edited {MachineRecordStore.PathIn(state.MachineStateDirectory(machineName))}, undo the edit; otherwise forget the machine (rm -r {state.MachineStateDirectory(machineName)}) and `diskless up` a new one",
        ExitCodes.WrongMachineState);

    [GeneratedRegex(@"\A[0-9a-f]{12}\z")]
    private static partial Regex MachineId();

    [GeneratedRegex(@"\A[A-Za-z0-9]([A-Za-z0-9.-]{0,252})\z")]
    private static partial Regex HostName();
}
