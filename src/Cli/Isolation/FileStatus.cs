using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Diskless.Cli.Isolation;

/// <summary>A file's owner, mode, type and size as the kernel reports them (.NET has no API for a file's owner or type).</summary>
/// <param name="Uid">The owning host uid.</param>
/// <param name="Gid">The owning host gid.</param>
/// <param name="Mode">The permission bits, including setuid, setgid and sticky.</param>
public sealed record FileStatus(long Uid, long Gid, UnixFileMode Mode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int FileTypeMask = 0xf000;
    private const int RegularFileType = 0x8000;
    private const int DirectoryType = 0x4000;

    /// <summary>True for a regular file: not a folder, link, fifo, socket or device node.</summary>
    public bool IsRegularFile { get; init; }

    /// <summary>True for a folder (a link to one is a link, when read without following links).</summary>
    public bool IsDirectory { get; init; }

    /// <summary>The size in bytes (of the link itself when read without following links).</summary>
    public long Size { get; init; }

    /// <summary>The inode number: 256 at the top of every btrfs subvolume.</summary>
    public ulong Inode { get; init; }

    /// <summary>
    /// When the inode last changed (ctime, nanoseconds since the epoch: files made within one second keep their order): a rename or a new hard link sets it, and nobody but
    /// the kernel can, unlike the modification time a download tool copies from the server.
    /// </summary>
    public long ChangedAt { get; init; }

    /// <summary>The device the file lies on as major:minor; each btrfs subvolume has its own.</summary>
    public string Device { get; init; } = "";

    /// <summary>The status of <paramref name="path"/> (of the link itself when <paramref name="followLinks"/> is false); null when it does not exist.</summary>
    public static FileStatus? Read(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // struct statx has one layout on every architecture: uid at 20, gid at 24, mode at 28, inode at 32, size at 40, ctime at 96,
        // the device's major and minor at 136 and 140.
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is 2 or 20 ? null : throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return Parse(buffer);
    }

    /// <summary>The status of the file <paramref name="handle"/> has open: what was opened, whatever its path names by now.</summary>
    public static FileStatus Of(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var buffer = new byte[256];
        if (StatxHandle(handle, "", AtEmptyPath, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot stat an open file: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return Parse(buffer);
    }

    private static FileStatus Parse(byte[] buffer)
    {
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        return new FileStatus(
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(24)),
            (UnixFileMode)(mode & 0xfff))
        {
            IsRegularFile = (mode & FileTypeMask) == RegularFileType,
            IsDirectory = (mode & FileTypeMask) == DirectoryType,
            Size = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(40)),
            Inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32)),
            // statx_timestamp: tv_sec (s64) then tv_nsec (u32).
            ChangedAt = (BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(96)) * 1_000_000_000) + BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(104)),
            Device = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136))}:{BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140))}"),
        };
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int StatxHandle(Microsoft.Win32.SafeHandles.SafeFileHandle dirfd, string path, int flags, uint mask, byte[] buffer);
}
