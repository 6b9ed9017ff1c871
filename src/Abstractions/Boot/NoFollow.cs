using System.Runtime.InteropServices;

namespace Diskless.Abstractions;

/// <summary>
/// The one file operation .NET lacks for a tree the guest controls: changing an owner without following a link.
/// </summary>
internal static class NoFollow
{
    /// <summary>lchown(2): gives <paramref name="hostPath"/> itself (a link stays a link) to uid:gid.</summary>
    public static void Chown(string hostPath, int uid, int gid)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(uid);
        ArgumentOutOfRangeException.ThrowIfNegative(gid);
        if (Lchown(hostPath, (uint)uid, (uint)gid) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot give {hostPath} to {uid}:{gid}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not
    // allow, and ANSI strings are UTF-8 on Linux.
    [DllImport("libc", EntryPoint = "lchown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Lchown(string path, uint owner, uint group);
}
