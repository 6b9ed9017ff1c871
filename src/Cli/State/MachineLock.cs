using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// One diskless command per machine at a time. The lock is an flock(2) on <c>lock</c> in the machine's state folder
/// (what .NET takes for <see cref="FileShare.None"/>), so the kernel releases it when the holder dies, however it
/// dies; <c>lock.json</c> beside it names the holder for the error message. Only the holder ever deletes the lock
/// file, and a taker checks that the file it locked still has its name: a lock on a deleted file locks nothing.
/// The same lock can be taken shared (<see cref="AcquireSharedAsync"/>, flock's LOCK_SH): many readers of a thing
/// at once (cloners of a base), none of them while an exclusive holder (a build, a prune) has it.
/// </summary>
public sealed class MachineLock : IAsyncDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = "lock";

    /// <summary>The holder description's name.</summary>
    public const string HolderFileName = "lock.json";

    private const int WouldBlock = 11;

    // Each retry follows a holder that deleted the file between our open and our lock: a handful is plenty.
    private const int Attempts = 10;

    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly FileStream _lock;
    private readonly string _folder;
    private readonly bool _shared;
    private int _released;

    private MachineLock(FileStream @lock, string folder, bool shared)
    {
        _lock = @lock;
        _folder = folder;
        _shared = shared;
    }

    /// <summary>
    /// Takes the machine's lock, or fails at once with <see cref="ExitCodes.Locked"/> naming the process that holds it.
    /// A lock left by a process that died is free again and simply taken.
    /// </summary>
    public static async Task<MachineLock> AcquireAsync(string machineStateDirectory, string commandLine, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(machineStateDirectory);
        ArgumentNullException.ThrowIfNull(commandLine);
        var lockPath = Path.Combine(machineStateDirectory, LockFileName);
        var holderPath = Path.Combine(machineStateDirectory, HolderFileName);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await TryLockAsync(machineStateDirectory, lockPath, holderPath, shared: false, cancellationToken).ConfigureAwait(false) is not { } stream)
            {
                continue;
            }

            try
            {
                var holder = new LockHolder(Environment.ProcessId, commandLine, DateTimeOffset.Now);
                await JsonState.SaveAsync(holderPath, holder, cancellationToken).ConfigureAwait(false);
                return new MachineLock(stream, machineStateDirectory, shared: false);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        throw Busy(MachineName(machineStateDirectory), null, null);
    }

    /// <summary>
    /// Takes the lock shared with other shared holders, or fails at once with <see cref="ExitCodes.Locked"/> while an
    /// exclusive holder has it. Shared holders write no holder note (there may be many) and never delete the lock file:
    /// only an exclusive holder knows nobody else holds it. A holder note found while the lock is shared is a dead
    /// exclusive holder's and is removed, so an error never names a process that holds nothing.
    /// </summary>
    public static async Task<MachineLock> AcquireSharedAsync(string folder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var lockPath = Path.Combine(folder, LockFileName);
        var holderPath = Path.Combine(folder, HolderFileName);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await TryLockAsync(folder, lockPath, holderPath, shared: true, cancellationToken).ConfigureAwait(false) is { } stream)
            {
                File.Delete(holderPath);
                return new MachineLock(stream, folder, shared: true);
            }
        }

        throw Busy(MachineName(folder), null, null);
    }

    /// <summary>
    /// Releases the lock; the holder note goes first, so a note never outlives its lock. A state folder left holding
    /// nothing but the lock (a machine destroyed, a first up undone, a command on a machine never created) is removed
    /// while the lock is still held, its lock file last: nobody else deletes it, so nobody deletes a lock in use.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        try
        {
            if (_shared)
            {
                return;
            }

            File.Delete(Path.Combine(_folder, HolderFileName));
            if (HoldsNothingButTheLock(_folder))
            {
                File.Delete(Path.Combine(_folder, LockFileName));
                RemoveFolderIfEmpty(_folder);
            }
        }
        finally
        {
            await _lock.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether <paramref name="lockFile"/> is still the file its path names: false once its holder deleted it, after
    /// which locking it excludes nobody who opens the path anew.
    /// </summary>
    internal static bool IsStillLinked(FileStream lockFile)
    {
        ArgumentNullException.ThrowIfNull(lockFile);
        var descriptor = lockFile.SafeFileHandle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture);
        var target = new FileInfo(Path.Combine("/proc/self/fd", descriptor)).LinkTarget;
        return target is not null && !target.EndsWith(" (deleted)", StringComparison.Ordinal);
    }

    /// <summary>The locked lock file, or null when it had to be given up for a fresh attempt.</summary>
    private static async Task<FileStream?> TryLockAsync(string folder, string lockPath, string holderPath, bool shared, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            Directory.CreateDirectory(folder, PrivateFolder);
            // .NET takes flock LOCK_EX for FileShare.None and LOCK_SH otherwise (for a shared lock only when opened
            // without write access, which is why the shared lock reads).
            stream = shared
                ? new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite)
                : new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (DirectoryNotFoundException)
        {
            // Its last holder removed the folder between our mkdir and our open.
            return null;
        }
        catch (IOException e) when (e.HResult == WouldBlock)
        {
            var holder = await ReadHolderAsync(holderPath, cancellationToken).ConfigureAwait(false);
            throw Busy(MachineName(folder), holder, e);
        }

        if (IsStillLinked(stream))
        {
            return stream;
        }

        await stream.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private static bool HoldsNothingButTheLock(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).All(e => Path.GetFileName(e) is LockFileName or HolderFileName);

    private static void RemoveFolderIfEmpty(string folder)
    {
        try
        {
            Directory.Delete(folder);
        }
        catch (IOException)
        {
            // Another command created its lock here after ours went: the folder is its now.
        }
    }

    private static string MachineName(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));

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

    private static DisklessException Busy(string machineName, LockHolder? holder, Exception? inner)
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
