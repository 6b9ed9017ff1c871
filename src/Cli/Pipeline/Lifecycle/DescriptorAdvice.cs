using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// What status and up say about a helper's open descriptors: the figure, and past <see cref="DescriptorUse.WarnFraction"/>
/// of its limit, or when the host's limit is too low for a big tree, which limit binds and the command that raises it.
/// </summary>
internal static class DescriptorAdvice
{
    /// <summary>
    /// Below this soft limit a virtiofsd runs out of descriptors early in a big tree (a node_modules, a kernel tree):
    /// the guest then reclaims its inodes every few thousand lookups (524,288 is a common desktop limit).
    /// </summary>
    public const long LowLimit = 65_536;

    /// <summary>What a raised limit should be: the kernel's default fs.nr_open.</summary>
    public const long SuggestedLimit = 1_048_576;

    /// <summary>"virtiofsd pid 812: 951 of 20000 descriptors (5 %)".</summary>
    public static string Figure(DescriptorUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return use.Open is { } open
            ? string.Create(CultureInfo.InvariantCulture, $"{use.Process} pid {use.Pid}: {open} of {Limit(use.Limit)} descriptors ({Percent(use)} %)")
            : $"{use.Process} pid {use.Pid}: limit {Limit(use.Limit)} descriptors (how many it holds could not be counted: it runs as a subordinate id, and its user namespace could not be entered)";
    }

    /// <summary>The warning for a helper past the warn line; null below it.</summary>
    public static string? NearLimit(DescriptorUse use, NofileHolder holder)
    {
        ArgumentNullException.ThrowIfNull(use);
        return use.NearLimit
            ? $"{use.Process} (pid {use.Pid}) holds {use.Open} of its {Limit(use.Limit)} open files ({Percent(use)} %): it holds one per inode the guest caches, " +
              $"and past its limit the guest's file lookups fail. {Raise(holder.BindingOf(use), holder.User)}"
            : null;
    }

    /// <summary>
    /// One warning for every limit low for big trees among <paramref name="uses"/>, naming each helper that has it: a
    /// machine's helpers are started alike, so this is one line, not one per helper; empty when none is low.
    /// </summary>
    public static IReadOnlyList<string> LowForBigTrees(IReadOnlyList<DescriptorUse> uses, NofileHolder holder)
    {
        ArgumentNullException.ThrowIfNull(uses);
        ArgumentNullException.ThrowIfNull(holder);
        return uses
            .Where(use => use.Limit < LowLimit)
            .GroupBy(use => (use.Process, use.Limit, Binding: holder.BindingOf(use)))
            .Select(low =>
                $"{low.Key.Process} ({Pids(low)}) may hold only {Limit(low.Key.Limit)} open files ({Source(low.Key.Binding, holder.User)}): " +
                $"in a synced folder the guest forgets each file at its last use, so walks of any size fit there, but in the machine's own root it drops its cached files whenever it nears a quarter of that, which slows walks of big trees. {Raise(low.Key.Binding, holder.User)}")
            .ToList();
    }

    /// <summary>The exact commands that raise the limit that binds, for whoever it binds.</summary>
    public static string Raise(NofileBinding binding, string user) => binding switch
    {
        NofileBinding.NrOpen => string.Create(
            CultureInfo.InvariantCulture,
            $"Raise it with: sysctl -w fs.nr_open={SuggestedLimit * 2} (keep it in /etc/sysctl.d/), then: diskless halt && diskless up"),
        NofileBinding.ContainerHardLimit => string.Create(
            CultureInfo.InvariantCulture,
            $"Only what starts this container or service can raise it, e.g. docker or podman run --ulimit nofile={SuggestedLimit}:{SuggestedLimit}, or LimitNOFILE={SuggestedLimit} in the systemd unit (check: ulimit -Hn); then: diskless halt && diskless up"),
        _ => string.Create(
            CultureInfo.InvariantCulture,
            $"Raise it with: echo '{user} hard nofile {SuggestedLimit}' | sudo tee /etc/security/limits.d/diskless-{user}.conf, log in again (check: ulimit -Hn), then: diskless halt && diskless up"),
    };

    private static string Source(NofileBinding binding, string user) => binding switch
    {
        NofileBinding.NrOpen => "the host's fs.nr_open",
        NofileBinding.ContainerHardLimit => "root's hard nofile limit, which root here may not raise: it lacks CAP_SYS_RESOURCE, as in a container",
        _ => "the hard nofile limit of " + user,
    };

    private static string Pids(IEnumerable<DescriptorUse> uses)
    {
        var pids = uses.Select(use => use.Pid.ToString(CultureInfo.InvariantCulture)).ToList();
        return (pids.Count == 1 ? "pid " : "pids ") + string.Join(", ", pids);
    }

    private static string Limit(long limit) => limit == long.MaxValue ? "unlimited" : limit.ToString(CultureInfo.InvariantCulture);

    private static int Percent(DescriptorUse use) => use.Open is not { } open || use.Limit <= 0 || use.Limit == long.MaxValue ? 0 : (int)(100.0 * open / use.Limit);
}
