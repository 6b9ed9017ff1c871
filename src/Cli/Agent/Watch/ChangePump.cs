using System.Threading.Channels;

namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// Moves host changes to the guest: gathers them in the coalescer, and when a batch is due writes its lines for the
/// guest side. Time comes from <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class ChangePump(ChangeCoalescer coalescer, GuestMessages messages, TimeProvider time)
{
    /// <summary>Lines sent so far (for the log and tests).</summary>
    public long Sent { get; private set; }

    public async Task RunAsync(ChannelReader<HostChange> changes, ChannelWriter<string> lines, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        TimeSpan Now() => time.GetElapsedTime(start);
        while (true)
        {
            var due = coalescer.DueIn(Now());
            if (due is null)
            {
                if (!await changes.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            else if (due > TimeSpan.Zero)
            {
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(due.Value, time, wake.Token);
                var more = changes.WaitToReadAsync(wake.Token).AsTask();
                await Task.WhenAny(delay, more).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            while (changes.TryRead(out var change))
            {
                coalescer.Add(change, Now());
            }

            var batch = coalescer.TakeDue(Now());
            if (batch.Count == 0)
            {
                continue;
            }

            foreach (var line in messages.For(batch))
            {
                // Counted before it is handed on: whoever reads the line then sees it counted.
                Sent++;
                await lines.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
