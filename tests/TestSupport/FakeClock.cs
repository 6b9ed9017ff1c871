namespace Diskless.Testing;

/// <summary>
/// A clock that moves only when a test moves it; its timers (and so <c>Task.Delay</c> and timed cancellation on it)
/// fire when the clock passes their due time, on the thread that moved it. Code waiting on it takes no real time,
/// so a test can count what happens in a minute of it without depending on how fast the machine is.
/// </summary>
public sealed class FakeClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private TaskCompletionSource _timerScheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _now;

    /// <summary>How far the clock has moved since it was created.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Elapsed.Ticks;

    public override DateTimeOffset GetUtcNow() => Start + Elapsed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        TimeSpan target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (true)
        {
            FakeTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt is { } at && at <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt!.Value;
                due.DueAt = due.Period is { } period ? _now + period : null;
            }

            // Outside the lock: the callback may well create or change timers (a loop that waits again).
            due.Fire();
        }
    }

    /// <summary>Moves the clock to the earliest pending timer and fires it; false when no timer is pending.</summary>
    public bool AdvanceToNextTimer()
    {
        TimeSpan step;
        lock (_gate)
        {
            if (NextDueAt() is not { } at)
            {
                return false;
            }

            step = at - _now;
        }

        Advance(step);
        return true;
    }

    /// <summary>
    /// Lets the clock run exactly as fast as <paramref name="work"/> waits on it: each time it waits for a timer, the
    /// clock jumps to that timer, until the work ends. Returns the work's outcome.
    /// </summary>
    public async Task<T> FastForwardAsync<T>(Task<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        while (await Task.WhenAny(work, WhenTimerPendingAsync()).ConfigureAwait(false) != work)
        {
            AdvanceToNextTimer();
        }

        return await work.ConfigureAwait(false);
    }

    /// <summary>Completes once a timer is pending (at once when one is).</summary>
    public Task WhenTimerPendingAsync()
    {
        lock (_gate)
        {
            if (NextDueAt() is not null)
            {
                return Task.CompletedTask;
            }

            if (_timerScheduled.Task.IsCompleted)
            {
                _timerScheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _timerScheduled.Task;
        }
    }

    private TimeSpan? NextDueAt() => _timers.Select(t => t.DueAt).Where(at => at is not null).Min();

    private void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        TaskCompletionSource? scheduled = null;
        lock (_gate)
        {
            if (!_timers.Contains(timer))
            {
                return;
            }

            timer.DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            if (timer.DueAt is not null)
            {
                scheduled = _timerScheduled;
            }
        }

        scheduled?.TrySetResult();
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeClock clock, TimerCallback callback, object? state) : ITimer
    {
        public TimeSpan? DueAt { get; set; }

        public TimeSpan? Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Schedule(this, dueTime, period);
            return true;
        }

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
