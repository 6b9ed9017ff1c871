namespace Diskless.Abstractions;

/// <summary>
/// One host helper of a running machine (a virtiofsd) and its open descriptors against its limit, read by the host
/// from /proc for a pid the host itself recorded (for a forking helper, the busiest of its descendants: the one that
/// serves). A virtiofsd holds one descriptor per inode the guest caches, so near the limit the guest's lookups fail.
/// </summary>
/// <param name="Process">The helper's name, e.g. "virtiofsd".</param>
/// <param name="Pid">The pid whose descriptors were counted.</param>
/// <param name="Open">
/// Descriptors it holds open; null when this user may not count them (a helper in the machine's user namespace runs as
/// a subordinate id, whose /proc/PID/fd and fdinfo only root reads; its limit is readable by anyone).
/// </param>
/// <param name="Limit">Its soft RLIMIT_NOFILE, the limit that binds.</param>
/// <param name="HardLimit">Its hard RLIMIT_NOFILE.</param>
public sealed record DescriptorUse(string Process, int Pid, int? Open, long Limit, long HardLimit)
{
    /// <summary>The share of <see cref="Limit"/> past which status and up warn.</summary>
    public const double WarnFraction = 0.8;

    /// <summary>Whether <see cref="Open"/> is past <see cref="WarnFraction"/> of <see cref="Limit"/>.</summary>
    public bool NearLimit => Open is { } open && open > Limit * WarnFraction;
}
