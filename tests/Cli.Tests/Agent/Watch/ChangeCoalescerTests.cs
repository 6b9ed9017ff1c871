using Diskless.Cli.Agent.Watch;

namespace Diskless.Cli.Tests.Agent.Watch;

public sealed class ChangeCoalescerTests
{
    private static readonly WatchedFolder Folder = new("/h", "/g");
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_burst_is_one_batch_due_once_the_host_is_quiet_with_one_change_per_path_in_first_seen_order()
    {
        var coalescer = new ChangeCoalescer(20 * Ms, 150 * Ms);

        coalescer.Add(new HostChange(Folder, "/h/.a.swp", true), 0 * Ms);
        coalescer.Add(new HostChange(Folder, "/h/a", false), 1 * Ms);
        coalescer.Add(new HostChange(Folder, "/h/.a.swp", false), 2 * Ms);
        coalescer.Add(new HostChange(Folder, "/h/a", true), 3 * Ms);

        Assert.Equal(20 * Ms, coalescer.DueIn(3 * Ms));
        Assert.Empty(coalescer.TakeDue(22 * Ms));
        var batch = coalescer.TakeDue(23 * Ms);
        Assert.Equal([new HostChange(Folder, "/h/.a.swp", true), new HostChange(Folder, "/h/a", true)], batch);
        Assert.Null(coalescer.DueIn(23 * Ms));
        Assert.Equal(0, coalescer.Count);
    }

    [Fact]
    public void A_host_that_never_goes_quiet_still_gets_a_batch_out_at_the_longest_wait()
    {
        var coalescer = new ChangeCoalescer(20 * Ms, 150 * Ms);

        for (var t = 0; t <= 140; t += 10)
        {
            coalescer.Add(new HostChange(Folder, $"/h/f{t}", false), t * Ms);
        }

        Assert.Equal(10 * Ms, coalescer.DueIn(140 * Ms));
        Assert.Equal(15, coalescer.TakeDue(150 * Ms).Count);
    }
}
