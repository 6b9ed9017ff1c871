using System.Text.Json;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

public sealed class MachineLockTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_second_command_on_a_busy_machine_fails_naming_the_holder()
    {
        using var temp = new TempFolder();
        var machine = temp.Combine("dev");
        await using var held = await MachineLock.AcquireAsync(machine, "diskless up", CancellationToken.None);

        var error = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(machine, "diskless halt", CancellationToken.None));

        Assert.Equal(ExitCodes.Locked, error.ExitCode);
        Assert.Matches($"^machine 'dev' is busy: pid {Environment.ProcessId} is running `diskless up` since \\d\\d:\\d\\d:\\d\\d$", error.Message);
        Assert.Contains($"kill {Environment.ProcessId}", error.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_released_lock_can_be_taken_again()
    {
        using var temp = new TempFolder();
        var machine = temp.Combine("dev");

        await (await MachineLock.AcquireAsync(machine, "diskless up", CancellationToken.None)).DisposeAsync();
        await using var again = await MachineLock.AcquireAsync(machine, "diskless ssh", CancellationToken.None);

        var holder = JsonSerializer.Deserialize<LockHolder>(await File.ReadAllTextAsync(Path.Combine(machine, "lock.json")), JsonState.Options);
        Assert.Equal("diskless ssh", holder!.Command);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lock_held_by_another_process_is_refused_naming_that_process()
    {
        using var temp = new TempFolder();
        var machine = temp.Combine("dev");
        await using var holder = await LockHoldingProcess.StartAsync(machine, "diskless up", CancellationToken.None);

        var error = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(machine, "diskless halt", CancellationToken.None));

        Assert.Equal(ExitCodes.Locked, error.ExitCode);
        Assert.Matches($"^machine 'dev' is busy: pid {holder.Pid} is running `diskless up` since \\d\\d:\\d\\d:\\d\\d$", error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lock_left_by_a_killed_process_is_taken_over()
    {
        using var temp = new TempFolder();
        var machine = temp.Combine("dev");
        var note = Path.Combine(machine, MachineLock.HolderFileName);
        await using var holder = await LockHoldingProcess.StartAsync(machine, "diskless up", CancellationToken.None);
        await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(machine, "diskless destroy", CancellationToken.None));

        await holder.KillAsync(CancellationToken.None);
        Assert.Equal(holder.Pid, (await JsonState.LoadAsync<LockHolder>(note, CancellationToken.None))!.Pid);
        await using var taken = await MachineLock.AcquireAsync(machine, "diskless destroy", CancellationToken.None);

        var now = await JsonState.LoadAsync<LockHolder>(note, CancellationToken.None);
        Assert.Equal((Environment.ProcessId, "diskless destroy"), (now!.Pid, now.Command));
    }

    [Fact]
    public void A_lock_file_deleted_and_made_anew_after_it_was_opened_is_no_longer_the_lock()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("lock");
        using var opened = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Assert.True(MachineLock.IsStillLinked(opened));

        File.Delete(path);
        File.WriteAllText(path, "");

        Assert.False(MachineLock.IsStillLinked(opened));
    }

    [Fact(Timeout = 10_000)]
    public async Task Shared_holders_share_the_lock_and_keep_an_exclusive_taker_out_until_the_last_lets_go()
    {
        using var temp = new TempFolder();
        var folder = temp.Combine("base");

        var first = await MachineLock.AcquireSharedAsync(folder, CancellationToken.None);
        var second = await MachineLock.AcquireSharedAsync(folder, CancellationToken.None);
        var whileBoth = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(folder, "diskless prune", CancellationToken.None));
        await first.DisposeAsync();
        var whileOne = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(folder, "diskless prune", CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(folder, MachineLock.LockFileName)), "a shared holder deleted the lock file another still holds");
        await second.DisposeAsync();
        await using var exclusive = await MachineLock.AcquireAsync(folder, "diskless prune", CancellationToken.None);

        Assert.Equal((ExitCodes.Locked, ExitCodes.Locked), (whileBoth.ExitCode, whileOne.ExitCode));
        Assert.Equal("diskless prune", (await JsonState.LoadAsync<LockHolder>(Path.Combine(folder, MachineLock.HolderFileName), CancellationToken.None))!.Command);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_shared_taker_is_refused_while_the_lock_is_held_exclusively_naming_the_holder()
    {
        using var temp = new TempFolder();
        var folder = temp.Combine("base");
        var exclusive = await MachineLock.AcquireAsync(folder, "diskless prune", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireSharedAsync(folder, CancellationToken.None));
        await exclusive.DisposeAsync();
        await using var shared = await MachineLock.AcquireSharedAsync(folder, CancellationToken.None);

        Assert.Equal(ExitCodes.Locked, refused.ExitCode);
        Assert.Contains("`diskless prune`", refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_shared_taker_removes_the_note_of_a_dead_exclusive_holder()
    {
        using var temp = new TempFolder();
        var folder = temp.Combine("base");
        await using (var holder = await LockHoldingProcess.StartAsync(folder, "diskless build", CancellationToken.None))
        {
            await holder.KillAsync(CancellationToken.None);
        }

        Assert.True(File.Exists(Path.Combine(folder, MachineLock.HolderFileName)));
        await using var shared = await MachineLock.AcquireSharedAsync(folder, CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(folder, MachineLock.HolderFileName)));
    }
}
