using Diskless.Abstractions;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>One command per machine at a time: the lock is held from a command's first step to its last.</summary>
public sealed class MachineLockingTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact(Timeout = 30_000)]
    public async Task A_second_up_refused_by_the_lock_leaves_the_first_ups_state_folder_and_lock()
    {
        // The first up holds the lock and has not written its record yet: its folder holds nothing but the lock.
        await using var firstUp = await MachineLock.AcquireAsync(_sandbox.StateDirectory, "diskless up", CancellationToken.None);

        var second = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(_sandbox.Services(), null, new UpOptions(), CancellationToken.None));

        Assert.Equal(ExitCodes.Locked, second.ExitCode);
        Assert.True(File.Exists(Path.Combine(_sandbox.StateDirectory, MachineLock.LockFileName)));
        Assert.True(File.Exists(Path.Combine(_sandbox.StateDirectory, MachineLock.HolderFileName)));
        var third = await Assert.ThrowsAsync<DisklessException>(() => MachineLock.AcquireAsync(_sandbox.StateDirectory, "diskless up", CancellationToken.None));
        Assert.Equal(ExitCodes.Locked, third.ExitCode);
    }

    [RequiresFact("ssh-keygen")]
    public async Task Reload_holds_one_lock_from_halt_through_configure()
    {
        await _sandbox.CreatedMachineAsync();
        _sandbox.Provider.Running = true;
        var seen = new List<string>();
        _sandbox.Provider.OnStop = _ => seen.Add("halt: " + LockState());
        _sandbox.Distro.OnConfigure = _ => seen.Add("configure: " + LockState());
        _sandbox.Distro.FailConfigure = new DisklessException("enough seen");

        await Assert.ThrowsAsync<DisklessException>(() => ReloadHandler.RunAsync(_sandbox.Services(), null, provision: false, CancellationToken.None));

        Assert.Equal(2, seen.Count);
        Assert.StartsWith($"halt: held by {Environment.ProcessId} `diskless reload` since ", seen[0], StringComparison.Ordinal);
        Assert.Equal("configure: " + seen[0]["halt: ".Length..], seen[1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_lock_released_in_a_folder_holding_nothing_else_takes_the_folder_with_it()
    {
        await (await MachineLock.AcquireAsync(_sandbox.StateDirectory, "diskless halt", CancellationToken.None)).DisposeAsync();

        Assert.False(Directory.Exists(_sandbox.StateDirectory));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_lock_released_in_a_machines_folder_leaves_the_folder_and_its_lock_file()
    {
        await _sandbox.CreatedMachineAsync();

        await (await MachineLock.AcquireAsync(_sandbox.StateDirectory, "diskless halt", CancellationToken.None)).DisposeAsync();

        Assert.True(File.Exists(MachineRecordStore.PathIn(_sandbox.StateDirectory)));
        Assert.True(File.Exists(Path.Combine(_sandbox.StateDirectory, MachineLock.LockFileName)));
        Assert.False(File.Exists(Path.Combine(_sandbox.StateDirectory, MachineLock.HolderFileName)));
    }

    /// <summary>Who holds the machine's lock at this moment, as another diskless process would find out.</summary>
    private string LockState()
    {
        try
        {
            MachineLock.AcquireAsync(_sandbox.StateDirectory, "observer", CancellationToken.None).GetAwaiter().GetResult().DisposeAsync().AsTask().GetAwaiter().GetResult();
            return "free";
        }
        catch (DisklessException e) when (e.ExitCode == ExitCodes.Locked)
        {
            var holder = JsonState.LoadAsync<LockHolder>(Path.Combine(_sandbox.StateDirectory, MachineLock.HolderFileName), CancellationToken.None).GetAwaiter().GetResult();
            return holder is null ? "held by someone" : $"held by {holder.Pid} `{holder.Command}` since {holder.StartedAt:O}";
        }
    }
}
