using System.Runtime.InteropServices;

namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// What the guest is told of a host path: its mtime (to the nanosecond, to be set back exactly), identity, and ctime —
/// which nobody can set and every change moves forward on the host's one clock, so the guest can tell a state it has
/// already heard of from a newer one.
/// </summary>
internal sealed record HostFileState(long MtimeSeconds, long MtimeNanoseconds, long Size, ulong Inode, bool IsDirectory, long CtimeSeconds, long CtimeNanoseconds);

/// <summary>
/// Reads a host path's state with statx, never through a link: the last component is not followed, and every folder
/// between the synced folder and the path must be a real folder (the guest can swap one for a link to anywhere).
/// </summary>
internal static class HostFileStat
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int TypeMask = 0xF000;
    private const int Directory = 0x4000;

    /// <summary>The state of <paramref name="path"/> under <paramref name="root"/>, or null when it is gone or reached through a link.</summary>
    public static HostFileState? Read(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        if (relative == ".")
        {
            return Statx(path);
        }

        var folder = root;
        var parts = relative.Split('/');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            folder = Path.Combine(folder, parts[i]);
            if (Statx(folder) is not { IsDirectory: true })
            {
                return null;
            }
        }

        return Statx(path);
    }

    private static HostFileState? Statx(string path)
    {
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        var mode = BitConverter.ToUInt16(buffer, 28);
        return new HostFileState(
            BitConverter.ToInt64(buffer, 112),
            BitConverter.ToUInt32(buffer, 120),
            BitConverter.ToInt64(buffer, 40),
            BitConverter.ToUInt64(buffer, 32),
            (mode & TypeMask) == Directory,
            BitConverter.ToInt64(buffer, 96),
            BitConverter.ToUInt32(buffer, 104));
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    // struct statx has one layout on every architecture: stx_mode at 28, stx_ino at 32, stx_size at 40, stx_ctime at 96, stx_mtime at 112.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);
}
