namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// Gathers a burst of host events (an editor's save is several; a <c>git checkout</c> thousands) into one batch with
/// one change per path: the batch is due once the host has been quiet for <paramref name="quiet"/>, or
/// <paramref name="longest"/> after its first event however busy the host stays, so a long burst still reaches the
/// guest in pieces. Pure: the caller gives the time.
/// </summary>
internal sealed class ChangeCoalescer(TimeSpan quiet, TimeSpan longest)
{
    private readonly Dictionary<string, HostChange> _pending = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private TimeSpan _first;
    private TimeSpan _last;

    public int Count => _pending.Count;

    public void Add(HostChange change, TimeSpan now)
    {
        if (_pending.Count == 0)
        {
            _first = now;
        }

        _last = now;
        if (_pending.TryGetValue(change.HostPath, out var known))
        {
            _pending[change.HostPath] = known with { EntryChanged = known.EntryChanged || change.EntryChanged };
            return;
        }

        _pending[change.HostPath] = change;
        _order.Add(change.HostPath);
    }

    /// <summary>How long from <paramref name="now"/> until the batch is due; null when nothing is pending.</summary>
    public TimeSpan? DueIn(TimeSpan now)
    {
        if (_pending.Count == 0)
        {
            return null;
        }

        var due = Min(_last + quiet, _first + longest) - now;
        return due < TimeSpan.Zero ? TimeSpan.Zero : due;
    }

    /// <summary>The batch, in the order its paths first changed, when it is due at <paramref name="now"/>; else empty.</summary>
    public IReadOnlyList<HostChange> TakeDue(TimeSpan now)
    {
        if (DueIn(now) != TimeSpan.Zero)
        {
            return [];
        }

        var batch = _order.Select(p => _pending[p]).ToList();
        _pending.Clear();
        _order.Clear();
        return batch;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
