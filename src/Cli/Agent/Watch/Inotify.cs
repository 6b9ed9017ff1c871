using System.Runtime.InteropServices;

namespace Diskless.Cli.Agent.Watch;

/// <summary>The few inotify calls the host side of <c>watch</c> makes.</summary>
internal static class Inotify
{
    public const uint Modify = 0x2;
    public const uint MovedFrom = 0x40;
    public const uint MovedTo = 0x80;
    public const uint Create = 0x100;
    public const uint Delete = 0x200;
    public const uint DeleteSelf = 0x400;
    public const uint QueueOverflow = 0x4000;
    public const uint Ignored = 0x8000;
    public const uint OnlyDir = 0x1000000;
    public const uint DontFollow = 0x2000000;
    public const uint ExclUnlink = 0x4000000;
    public const uint IsDir = 0x40000000;

    /// <summary>
    /// Content and entries only: attribute changes (IN_ATTRIB) are left out, and a folder is never entered through a
    /// link (a guest could aim one at any host folder).
    /// </summary>
    public const uint Mask = Modify | MovedFrom | MovedTo | Create | Delete | DeleteSelf | OnlyDir | DontFollow | ExclUnlink;

    public const int ENOSPC = 28;
    public const int EMFILE = 24;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    private const int InNonBlock = 0x800;
    private const int InCloExec = 0x80000;
    private const short PollIn = 1;

    public static int Init() => inotify_init1(InNonBlock | InCloExec);

    public static int AddWatch(int fd, string path, uint mask = Mask) => inotify_add_watch(fd, path, mask);

    /// <summary>Waits up to <paramref name="timeoutMs"/> for events; true when some are there to read.</summary>
    public static bool Wait(int fd, int timeoutMs)
    {
        var poll = new PollFd { Fd = fd, Events = PollIn };
        return poll_(ref poll, 1, timeoutMs) > 0;
    }

    public static int Read(int fd, byte[] buffer) => (int)read(fd, buffer, buffer.Length);

    public static void Close(int fd) => close(fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int inotify_add_watch(int fd, string path, uint mask);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int poll_(ref PollFd fds, nuint count, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
