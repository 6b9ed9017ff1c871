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

    [Fact(Timeout = 30_000)]
    public async Task A_lock_left_by_a_dead_process_is_taken_over()
    {
        using var temp = new TempFolder();
        var machine = temp.Combine("dev");
        Directory.CreateDirectory(machine);
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var dead = await runner.RunAsync(new CommandSpec("/bin/sh", "-c", "echo $$"), CancellationToken.None);
        var deadPid = int.Parse(dead.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(machine, "lock"), "");
        await JsonState.SaveAsync(Path.Combine(machine, "lock.json"), new LockHolder(deadPid, "diskless up", DateTimeOffset.Now), CancellationToken.None);

        await using var taken = await MachineLock.AcquireAsync(machine, "diskless destroy", CancellationToken.None);

        var holder = await JsonState.LoadAsync<LockHolder>(Path.Combine(machine, "lock.json"), CancellationToken.None);
        Assert.Equal((Environment.ProcessId, "diskless destroy"), (holder!.Pid, holder.Command));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_lock_held_by_another_process_is_respected_until_that_process_dies()
    {
        using var temp = new TempFolder();
        var machine = temp.Combine("dev");
        Directory.CreateDirectory(machine);
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var log = temp.Combine("flock.log");

        // flock(1) takes the same kind of lock in another process, as a second diskless would; --no-fork keeps it in that pid.
        var pid = await runner.StartDetachedAsync(new CommandSpec("flock", "--exclusive", "--no-fork", Path.Combine(machine, "lock"), "sleep", "30"), log, CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => HoldsLock(pid));

            var error = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(machine, "diskless up", CancellationToken.None));
            Assert.Equal(ExitCodes.Locked, error.ExitCode);
        }
        finally
        {
            await ProcessTable.SignalAsync(pid, ProcessSignal.Kill, runner, CancellationToken.None);
            await ProcessTable.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        await WaitUntilAsync(() => !HoldsLock(pid));
        await using var taken = await MachineLock.AcquireAsync(machine, "diskless up", CancellationToken.None);
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

    // /proc/locks lines read "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF": the pid is the fifth field.
    private static bool HoldsLock(int pid) =>
        File.ReadLines("/proc/locks").Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, "FLOCK", _, _, var p, ..] && p == pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
