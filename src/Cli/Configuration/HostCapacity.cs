using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>
/// A machine may not ask for more than the host has: more memory than the host's total, or more CPUs than its cores.
/// QEMU would start and then starve the host (or be killed by it); a Disklessfile from a repository should not decide that.
/// </summary>
/// <param name="TotalMemoryMiB">The host's memory (MemTotal of /proc/meminfo), in MiB; null when unknown.</param>
/// <param name="Cores">The host's CPUs.</param>
public sealed record HostCapacity(long? TotalMemoryMiB, int Cores)
{
    /// <summary>What this host has.</summary>
    public static HostCapacity OfThisHost() => new(ReadMemTotalMiB(), Environment.ProcessorCount);

    /// <summary>An error for each of <paramref name="machine"/>'s asks the host cannot meet, with both figures.</summary>
    public IEnumerable<SpecIssue> Check(MachineSpec machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (TotalMemoryMiB is { } total && machine.MemoryMiB > total)
        {
            yield return new SpecIssue(
                $"machine '{machine.Name}' asks for {machine.MemoryMiB} MiB of memory, more than this host's {total} MiB",
                machine.MemoryLocation ?? new SourceLocation(machine.DisklessfilePath, 1, 1),
                $"ask for at most {total} MiB (memory = \"{total / 2}MiB\" leaves the host half)");
        }

        if (machine.Cpus > Cores)
        {
            yield return new SpecIssue(
                $"machine '{machine.Name}' asks for {machine.Cpus} CPUs, more than this host's {Cores}",
                machine.CpusLocation ?? new SourceLocation(machine.DisklessfilePath, 1, 1),
                $"ask for at most {Cores} (cpus = {Cores})");
        }
    }

    private static long? ReadMemTotalMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kib is null ? null : long.Parse(kib, CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
