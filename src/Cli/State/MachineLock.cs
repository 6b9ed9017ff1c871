using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// One diskless command per machine at a time. The lock is an flock(2) on <c>lock</c> in the machine's state folder
/// (what .NET takes for <see cref="FileShare.None"/>), so the kernel releases it when the holder dies, however it
/// dies; <c>lock.json</c> beside it names the holder for the error message.
/// </summary>
public sealed class MachineLock : IAsyncDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = "lock";

    /// <summary>The holder description's name.</summary>
    public const string HolderFileName = "lock.json";

    private const int WouldBlock = 11;

    private readonly FileStream _lock;
    private readonly string _holderPath;
    private int _released;

    private MachineLock(FileStream @lock, string holderPath)
    {
        _lock = @lock;
        _holderPath = holderPath;
    }

    /// <summary>
    /// Takes the machine's lock, or fails at once with <see cref="ExitCodes.Locked"/> naming the process that holds it.
    /// A lock left by a process that died is free again and simply taken.
    /// </summary>
    public static async Task<MachineLock> AcquireAsync(string machineStateDirectory, string commandLine, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineStateDirectory);
        ArgumentNullException.ThrowIfNull(commandLine);
        Directory.CreateDirectory(machineStateDirectory);
        var lockPath = Path.Combine(machineStateDirectory, LockFileName);
        var holderPath = Path.Combine(machineStateDirectory, HolderFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == WouldBlock)
        {
            var holder = await ReadHolderAsync(holderPath, cancellationToken).ConfigureAwait(false);
            throw Busy(Path.GetFileName(Path.TrimEndingDirectorySeparator(machineStateDirectory)), holder, e);
        }

        try
        {
            var holder = new LockHolder(Environment.ProcessId, commandLine, DateTimeOffset.Now);
            await JsonState.SaveAsync(holderPath, holder, cancellationToken).ConfigureAwait(false);
            return new MachineLock(stream, holderPath);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the lock; the holder note goes first, so a note never outlives its lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        File.Delete(_holderPath);
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<LockHolder?> ReadHolderAsync(string holderPath, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonState.LoadAsync<LockHolder>(holderPath, cancellationToken).ConfigureAwait(false);
        }
        catch (DisklessException)
        {
            // Being written at this very moment; the message does without the details.
            return null;
        }
    }

    private static DisklessException Busy(string machineName, LockHolder? holder, Exception inner)
    {
        if (holder is null || !new ProcProcessTable().IsAlive(holder.Pid))
        {
            return new DisklessException(
                $"machine '{machineName}' is busy: another diskless command holds its lock",
                "wait for it to finish, then try again",
                ExitCodes.Locked,
                inner);
        }

        var since = holder.StartedAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return new DisklessException(
            $"machine '{machineName}' is busy: pid {holder.Pid} is running `{holder.Command}` since {since}",
            $"wait for it to finish, or stop it: kill {holder.Pid}",
            ExitCodes.Locked,
            inner);
    }
}
