using System.Threading.Channels;
using Diskless.Cli.Agent.Watch;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Agent.Watch;

public sealed class ChangePumpTests
{
    private static readonly WatchedFolder Folder = new("/h", "/g");

    [Fact(Timeout = 30_000)]
    public async Task A_burst_goes_to_the_guest_once_the_host_is_quiet_and_not_before()
    {
        var clock = new FakeClock();
        var changes = Channel.CreateUnbounded<HostChange>();
        var lines = Channel.CreateUnbounded<string>();
        var state = new HostFileState(1, 2, 3, 4, false, 5, 6);
        var pump = new ChangePump(new ChangeCoalescer(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(150)), new GuestMessages((_, _) => state), clock);
        using var stop = new CancellationTokenSource();
        var running = pump.RunAsync(changes.Reader, lines.Writer, stop.Token);

        changes.Writer.TryWrite(new HostChange(Folder, "/h/a", false));
        changes.Writer.TryWrite(new HostChange(Folder, "/h/a", false));
        await clock.WhenTimerPendingAsync();
        clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(lines.Reader.TryRead(out _));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var line = await lines.Reader.ReadAsync();
        Assert.StartsWith("M\t2f672f61\t1\t2\t0", line, StringComparison.Ordinal);
        Assert.False(lines.Reader.TryRead(out _));
        Assert.Equal(1, pump.Sent);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }
}
