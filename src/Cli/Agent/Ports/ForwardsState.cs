using Diskless.Abstractions;
using Diskless.Cli.State;

namespace Diskless.Cli.Agent.Ports;

/// <summary>
/// The forwards a running machine has beyond its Disklessfile's, kept in its state folder (host-only) so that
/// <c>status</c> (and <c>global-status</c>) show them: <c>forwards-auto.json</c>, written only by the host agent, and
/// <c>forwards-added.json</c>, written only by <c>diskless port</c> under the machine's lock — one writer each. Both
/// name the machine's id, and are dropped when the machine starts or stops (a new QEMU has only the Disklessfile's).
/// </summary>
public static class ForwardsState
{
    /// <summary>The agent's file.</summary>
    public const string AutoFileName = "forwards-auto.json";

    /// <summary><c>diskless port add</c>'s file.</summary>
    public const string AddedFileName = "forwards-added.json";

    /// <summary>The forwards of the machine <paramref name="machineId"/> in <paramref name="fileName"/>; none when absent, damaged or another machine's.</summary>
    public static async Task<IReadOnlyList<ActiveForward>> LoadAsync(string machineStateDirectory, string fileName, string machineId, CancellationToken cancellationToken)
    {
        try
        {
            var file = await JsonState.LoadAsync<ForwardsFile>(Path.Combine(machineStateDirectory, fileName), cancellationToken).ConfigureAwait(false);
            return file is not null && file.MachineId == machineId ? file.Forwards : [];
        }
        catch (DisklessException)
        {
            return [];
        }
    }

    /// <summary>Writes <paramref name="forwards"/> as machine <paramref name="machineId"/>'s <paramref name="fileName"/>.</summary>
    public static Task SaveAsync(string machineStateDirectory, string fileName, string machineId, IReadOnlyList<ActiveForward> forwards, CancellationToken cancellationToken) =>
        JsonState.SaveAsync(Path.Combine(machineStateDirectory, fileName), new ForwardsFile(machineId, forwards), cancellationToken);

    /// <summary>Forgets every forward (the machine starts or stopped: QEMU's forwards went with it).</summary>
    public static void Clear(string machineStateDirectory)
    {
        File.Delete(Path.Combine(machineStateDirectory, AutoFileName));
        File.Delete(Path.Combine(machineStateDirectory, AddedFileName));
    }

    private sealed record ForwardsFile(string MachineId, IReadOnlyList<ActiveForward> Forwards);
}
