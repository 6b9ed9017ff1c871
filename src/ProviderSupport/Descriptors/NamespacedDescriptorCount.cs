using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Counts the descriptors of helpers whose /proc/PID/fdinfo their owner cannot read from the host's view: a rootless
/// machine's virtiofsd runs as a subordinate id in the machine's user namespace, so the kernel's ptrace check refuses
/// the invoking user. Entered as that namespace's root (nsenter, as the user that owns the namespace: it gains nothing
/// outside it), the same check passes; the host's /proc is read, nothing of the guest runs. Only for pids the host
/// recorded (and their children), never one a guest could name.
/// </summary>
public static class NamespacedDescriptorCount
{
    /// <summary>
    /// One command that lists every descriptor folder of <paramref name="pids"/> from inside the user namespace of the
    /// first: all of a machine's helpers share it. find prints each descriptor's folder, one line each.
    /// </summary>
    public static CommandSpec Command(IReadOnlyList<int> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        ArgumentOutOfRangeException.ThrowIfZero(pids.Count);
        return new CommandSpec(
            "nsenter",
            [
                "-t", Pid(pids[0]), "-U", "-S", "0", "-G", "0", "--",
                "find", .. pids.Select(FdFolder), "-mindepth", "1", "-maxdepth", "1", "-printf", "%h\\n",
            ])
        {
            // A helper that exited between the listing and the count makes find say so and exit 1: the rest still counts.
            SuccessExitCodes = [0, 1],
            WrappedProgram = "find",
            Description = "count the descriptors of the machine's virtiofsd in its user namespace",
        };
    }

    /// <summary>How many descriptors each of <paramref name="pids"/> holds, from <see cref="Command"/>'s output; a pid it could not list is absent.</summary>
    public static IReadOnlyDictionary<int, int> Parse(string output, IReadOnlyList<int> pids)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pids);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return pids
            .Select(pid => (Pid: pid, Count: lines.Count(line => line == FdFolder(pid))))
            .Where(counted => counted.Count > 0)
            .ToDictionary(counted => counted.Pid, counted => counted.Count);
    }

    /// <summary>
    /// Counts through <paramref name="runner"/>; empty when nothing could be counted (no nsenter, a namespace that is not
    /// this user's): a figure status cannot give is left out, never a failed status.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, int>> CountAsync(ICommandRunner runner, IReadOnlyList<int> pids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(pids);
        if (pids.Count == 0)
        {
            return new Dictionary<int, int>();
        }

        try
        {
            var result = await runner.RunAsync(Command(pids), cancellationToken).ConfigureAwait(false);
            return Parse(result.StandardOutput, pids);
        }
        catch (DisklessException)
        {
            return new Dictionary<int, int>();
        }
    }

    private static string FdFolder(int pid) => $"/proc/{Pid(pid)}/fdinfo";

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);
}
