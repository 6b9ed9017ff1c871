namespace Diskless.Abstractions.Tests;

public sealed class OutputTailTests
{
    [Fact]
    public void Only_the_last_lines_are_kept_oldest_first()
    {
        var tail = new OutputTail(3);

        foreach (var line in new[] { "one", "two", "three", "four", "five" })
        {
            tail.Add(line);
        }

        Assert.Equal(["three", "four", "five"], tail.Snapshot());
    }

    [Fact]
    public void Lines_added_from_two_threads_at_once_are_all_counted()
    {
        var tail = new OutputTail(10_000);

        Parallel.For(0, 2, stream =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                tail.Add($"{stream}:{i}");
            }
        });

        Assert.Equal(4_000, tail.Snapshot().Count);
    }

    [Fact]
    public void A_tail_that_keeps_nothing_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutputTail(0));
    }
}
