using System.Runtime.InteropServices;
using Diskless.Cli.Isolation;
using Microsoft.Win32.SafeHandles;

namespace Diskless.Cli.State;

/// <summary>
/// A folder reached from a trusted one a component at a time with openat(2) and O_NOFOLLOW, each component checked to
/// be a real folder of the expected owner: for reading what a guest could have written (the project's old
/// <c>.diskless/</c>) without following a link it planted, even one swapped in between a check and an open.
/// </summary>
public sealed class BeneathFolder : IDisposable
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000;
    private const int NoFollow = 0x20000;
    private const int CloseOnExec = 0x80000;
    private const int NonBlocking = 0x800;
    private const int NotFound = 2;
    private const int NotADirectory = 20;
    private const int TooManyLinks = 40;
    private const int RemoveDirectory = 0x200;

    private readonly SafeFileHandle _handle;

    private BeneathFolder(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The path the folder was reached by (for messages; never reopened).</summary>
    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="components"/> below <paramref name="trustedFolder"/>; null when one does not exist. Throws
    /// <see cref="UntrustedFileException"/> when one is a link, not a folder, or owned by another uid than <paramref name="owner"/>.
    /// </summary>
    /// <param name="trustedFolder">The folder to start from (its own path may hold links: it is the caller's).</param>
    /// <param name="components">The names below it, each opened without following a link.</param>
    /// <param name="owner">The uid each must belong to.</param>
    /// <param name="ownerRole">Who <paramref name="owner"/> is, for the message (by default, the user who runs diskless).</param>
    public static BeneathFolder? Open(string trustedFolder, IReadOnlyList<string> components, long owner, string ownerRole = "who runs diskless")
    {
        ArgumentException.ThrowIfNullOrEmpty(trustedFolder);
        ArgumentNullException.ThrowIfNull(components);
        var handle = OpenAt(null, trustedFolder, ReadOnly | Directory | CloseOnExec);
        if (handle is null)
        {
            return null;
        }

        var path = trustedFolder;
        foreach (var name in components)
        {
            path = System.IO.Path.Combine(path, name);
            SafeFileHandle? next;
            try
            {
                next = OpenAt(handle, name, ReadOnly | Directory | NoFollow | CloseOnExec, path);
            }
            finally
            {
                handle.Dispose();
            }

            if (next is null)
            {
                return null;
            }

            handle = next;
            RequireOwner(FileStatus.Of(handle), owner, ownerRole, path, handle);
        }

        return new BeneathFolder(handle, path);
    }

    /// <summary>
    /// Opens the file <paramref name="path"/> for reading without following a link in its last component, and without
    /// blocking on a fifo; null when it does not exist. What it is (a regular file?) is the caller's to check, on the handle.
    /// </summary>
    public static SafeFileHandle? OpenFileNoFollow(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OpenAt(null, path, ReadOnly | NoFollow | NonBlocking | CloseOnExec, path);
    }

    /// <summary>The path the kernel gives the file <paramref name="handle"/> has open: where it is now, whatever name it was opened by.</summary>
    public static string? PathOf(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return new FileInfo("/proc/self/fd/" + handle.DangerousGetHandle().ToInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).LinkTarget;
    }

    /// <summary>The folder's status as it is open (not as its path now reads).</summary>
    public FileStatus Status() => FileStatus.Of(_handle);

    /// <summary>The names in the folder (as it is open, not as its path now reads).</summary>
    public IReadOnlyList<string> Names() =>
        System.IO.Directory.EnumerateFileSystemEntries(DescriptorPath()).Select(System.IO.Path.GetFileName).OfType<string>().ToList();

    /// <summary>
    /// The bytes of the regular file <paramref name="name"/>, owned by <paramref name="owner"/> and at most
    /// <paramref name="maxBytes"/> long; null when it does not exist. A link, a fifo, a device, a folder or another
    /// owner's file throws <see cref="UntrustedFileException"/>.
    /// </summary>
    public byte[]? ReadFile(string name, long owner, int maxBytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        using var handle = OpenAt(_handle, name, ReadOnly | NoFollow | NonBlocking | CloseOnExec, path);
        if (handle is null)
        {
            return null;
        }

        var status = FileStatus.Of(handle);
        if (!status.IsRegularFile)
        {
            throw new UntrustedFileException(path, "it is not a regular file");
        }

        RequireOwner(status, owner, "who runs diskless", path, null);
        if (status.Size > maxBytes)
        {
            throw new UntrustedFileException(path, $"it is {status.Size} bytes, more than the {maxBytes} expected");
        }

        using var stream = new FileStream(handle, FileAccess.Read);
        var buffer = new byte[status.Size];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>Removes the file <paramref name="name"/> (the link itself, if it is one) from this folder.</summary>
    public void DeleteFile(string name) => Unlink(name, 0);

    /// <summary>Removes the empty folder <paramref name="name"/> from this folder.</summary>
    public void DeleteFolder(string name) => Unlink(name, RemoveDirectory);

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private void Unlink(string name, int flags)
    {
        if (UnlinkAt(_handle, name, flags) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != NotFound)
        {
            throw new IOException($"cannot remove {System.IO.Path.Combine(Path, name)}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    private string DescriptorPath() =>
        "/proc/self/fd/" + _handle.DangerousGetHandle().ToInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void RequireOwner(FileStatus status, long owner, string ownerRole, string path, SafeFileHandle? toClose)
    {
        if (status.Uid == owner)
        {
            return;
        }

        toClose?.Dispose();
        throw new UntrustedFileException(path, $"it belongs to uid {status.Uid}, not to uid {owner}, {ownerRole}");
    }

    private static SafeFileHandle? OpenAt(SafeFileHandle? folder, string name, int flags, string? path = null)
    {
        var fd = folder is null ? OpenPath(name, flags, 0) : OpenRelative(folder, name, flags, 0);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            NotFound => null,
            TooManyLinks => throw new UntrustedFileException(path ?? name, "it is a symbolic link"),
            NotADirectory => throw new UntrustedFileException(path ?? name, "it is not a folder"),
            _ => throw new IOException($"cannot open {path ?? name}: {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int OpenPath(string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "openat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int OpenRelative(SafeFileHandle dirfd, string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "unlinkat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int UnlinkAt(SafeFileHandle dirfd, string path, int flags);
}
