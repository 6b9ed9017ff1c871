namespace Diskless.Abstractions.Tests;

public sealed class ProcessTableExtensionsTests
{
    [Fact(Timeout = 10_000)]
    public async Task Waiting_ends_once_the_process_is_gone()
    {
        var table = new CountdownTable(aliveForLooks: 3);

        var exited = await table.WaitForExitAsync(7, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1), CancellationToken.None);

        Assert.True(exited);
        Assert.Equal(4, table.Looks);
    }

    [Fact(Timeout = 10_000)]
    public async Task Waiting_on_a_process_that_stays_gives_up_after_the_timeout()
    {
        var table = new CountdownTable(aliveForLooks: int.MaxValue);

        var exited = await table.WaitForExitAsync(7, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(5), CancellationToken.None);

        Assert.False(exited);
    }

    [Fact(Timeout = 10_000)]
    public async Task Waiting_stops_when_cancelled()
    {
        var table = new CountdownTable(aliveForLooks: int.MaxValue);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => table.WaitForExitAsync(7, TimeSpan.FromMinutes(1), cancel.Token));
    }

    /// <summary>A process that is alive for a number of looks, then gone.</summary>
    private sealed class CountdownTable(int aliveForLooks) : IProcessTable
    {
        public int Looks { get; private set; }

        public bool IsAlive(int pid) => ++Looks <= aliveForLooks;

        public bool IsExiting(int pid) => false;

        public string? CommandLine(int pid) => null;

        public IReadOnlyList<string>? Argv(int pid) => null;

        public IReadOnlyList<int> FindByCommandLine(params string[] fragments) => [];

        public IReadOnlyList<int> FindOwned(long ownerUid, Func<IReadOnlyList<string>, bool> argvMatches) => [];

        public int? OwnerUid(int pid) => null;
    }
}
