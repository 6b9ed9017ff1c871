using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Diskless.Cli.State;

/// <summary>
/// Whether a folder's filesystem shares blocks between copies (btrfs, XFS with reflink=1, bcachefs): asked by
/// cloning a small probe file with the FICLONE ioctl, the call <c>cp --reflink=always</c> makes, which fails where
/// clones are not supported. An ioctl, not a command: it reads nothing of a guest and starts no program.
/// </summary>
internal static class Reflinks
{
    // _IOW(0x94, 9, int)
    private const uint Ficlone = 0x40049409;

    /// <summary>True when files copied within <paramref name="folder"/> (which this process may write) can share their blocks.</summary>
    public static async Task<bool> SupportedAsync(string folder, CancellationToken cancellationToken)
    {
        var probe = Path.Combine(folder, ".reflink-probe-" + Guid.NewGuid().ToString("n")[..8]);
        var copy = probe + ".copy";
        try
        {
            await File.WriteAllBytesAsync(probe, new byte[4096], cancellationToken).ConfigureAwait(false);
            using var source = File.OpenHandle(probe, FileMode.Open, FileAccess.Read);
            using var destination = File.OpenHandle(copy, FileMode.CreateNew, FileAccess.Write);
            return Clone(destination, source);
        }
        finally
        {
            File.Delete(probe);
            File.Delete(copy);
        }
    }

    private static bool Clone(SafeFileHandle destination, SafeFileHandle source)
    {
        var added = false;
        source.DangerousAddRef(ref added);
        try
        {
            return Ioctl(destination, Ficlone, source.DangerousGetHandle()) == 0;
        }
        finally
        {
            if (added)
            {
                source.DangerousRelease();
            }
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(SafeFileHandle fd, uint request, IntPtr argument);
}
