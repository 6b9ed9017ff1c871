using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// The open-file limit a virtiofsd runs with, and what the guest is told about it. The C virtiofsd (the only one of
/// Debian 12) holds one O_PATH descriptor for every inode the guest caches; its own raise (--rlimit-nofile, by default
/// to 1,000,000) fails with EPERM in a user namespace, where no process may raise its hard limit, and is ignored. So the
/// limit is set around it, before it enters the namespace: for host root up to fs.nr_open (soft and hard), for anyone
/// else the soft limit up to the hard one. Pure.
/// </summary>
public static class VirtiofsdDescriptors
{
    /// <summary>Descriptors a virtiofsd holds besides the guest's inodes (its sockets, log, /proc, the shared folder).</summary>
    public const long Reserve = 64;

    /// <summary>
    /// The limit a virtiofsd started as host root (by libvirtd, say) raises itself to: the C one's default
    /// --rlimit-nofile (the Rust one's default, fs.nr_open, is higher still).
    /// </summary>
    public const long SelfRaisedAsRoot = 1_000_000;

    /// <summary>
    /// The limit to run virtiofsd with, from the invoking process's own (inherited by what it starts) and, for host
    /// root (<paramref name="isRoot"/>), the host's fs.nr_open ceiling; never lower than <paramref name="own"/>.
    /// </summary>
    public static DescriptorLimit Planned(DescriptorLimit own, bool isRoot, long? nrOpen)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (isRoot && nrOpen is { } ceiling && ceiling > own.Hard)
        {
            return new DescriptorLimit(ceiling, ceiling);
        }

        return new DescriptorLimit(own.Hard == long.MaxValue ? Math.Max(own.Soft, nrOpen ?? own.Soft) : own.Hard, own.Hard);
    }

    /// <summary>
    /// <paramref name="command"/> run by prlimit(1) with <paramref name="limit"/> (prlimit execs it in place, so the pid
    /// stays the command's): outermost, before any wrapper enters the machine's user namespace.
    /// </summary>
    public static CommandSpec WithLimit(CommandSpec command, DescriptorLimit limit, string prlimit)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(limit);
        return command with { FileName = prlimit, Arguments = ["--nofile=" + limit.PrlimitValue, "--", command.FileName, .. command.Arguments] };
    }

    /// <summary>
    /// How many FUSE inodes the guest may keep cached: a quarter of what a virtiofsd may hold open after its own
    /// <see cref="Reserve"/>, so that the guest, polling, drops its unused inodes long before a burst of lookups reaches
    /// the limit (with half, a walk's readdirplus bursts under TCG touched the limit 6 times in 20,000 stats).
    /// </summary>
    public static long FuseInodeBound(long softLimit) => Math.Max(1, (Math.Min(softLimit, int.MaxValue) - Reserve) / 4);

    /// <summary>
    /// <paramref name="plan"/>'s kernel command line with <see cref="GuestKernelArguments.FuseInodes"/> added when a share
    /// is served over virtiofs (every share's daemon runs with <paramref name="virtiofsdSoftLimit"/>); unchanged otherwise,
    /// or when the limit is unknown.
    /// </summary>
    public static string KernelCommandLine(BootPlan plan, long? virtiofsdSoftLimit)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var commandLine = plan.Artifacts.KernelCommandLine;
        if (virtiofsdSoftLimit is not { } limit || !plan.Shares.Any(s => s.Transport == ShareTransport.VirtioFs))
        {
            return commandLine;
        }

        return $"{commandLine} {GuestKernelArguments.FuseInodes}={FuseInodeBound(limit).ToString(CultureInfo.InvariantCulture)}";
    }
}
