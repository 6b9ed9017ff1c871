using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Makes a folder, in a machine's mount namespace, an idmapped bind of itself (open_tree, mount_setattr with
/// MOUNT_ATTR_IDMAP, move_mount: Linux 5.12 and later). Only host root may: the filesystem's own namespace is the
/// host's. The work runs on a thread of its own that leaves this process's shared filesystem context (unshare
/// CLONE_FS) before it joins the machine's mount namespace, so nothing else in Diskless changes namespace; the thread
/// ends with the mount made. The mount lives as long as the machine's namespace, out of the host's sight.
/// <para>
/// The folder is opened again inside that namespace with openat2 and RESOLVE_NO_SYMLINKS from its resolved path, and
/// must still be a folder of the owner the plan saw: a link put anywhere on its path since (by a guest that writes a
/// folder above it, say) fails the mount rather than idmapping another folder. The mount is not recursive: mounts
/// beneath the folder are covered, never idmapped.
/// </para>
/// </summary>
internal static class IdmappedMount
{
    private const long OpenTreeSyscall = 428;
    private const long MoveMountSyscall = 429;
    private const long OpenAt2Syscall = 437;
    private const long MountSetattrSyscall = 442;
    private const int CloneFs = 0x200;
    private const int CloneNewNs = 0x20000;
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const int OpenTreeClone = 1;
    private const int CloseOnExec = 0x80000;
    private const ulong OpenPath = 0x200000;
    private const ulong OpenDirectory = 0x10000;
    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong MountAttrIdmap = 0x00100000;
    private const int MoveMountFromEmptyPath = 0x4;
    private const int MoveMountToEmptyPath = 0x40;

    /// <summary>
    /// Idmaps <paramref name="folder"/> in the mount namespace of process <paramref name="holderPid"/> with the user
    /// namespace <paramref name="userNamespace"/> (an open /proc/PID/ns/user).
    /// </summary>
    /// <exception cref="IOException">A step failed: the message names it and the kernel's reason.</exception>
    public static void Mount(int holderPid, OwnerMappedFolder folder, SafeFileHandle userNamespace)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(userNamespace);
        var resolved = Resolve(folder.HostPath);
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                MountHere(holderPid, resolved, folder, userNamespace);
            }
            catch (IOException e)
            {
                failure = e;
            }
        })
        {
            Name = "diskless-idmap",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new IOException(failure.Message, failure);
        }
    }

    // Runs on its own thread, which this leaves in the machine's mount namespace: it must end afterwards.
    private static void MountHere(int holderPid, string resolved, OwnerMappedFolder folder, SafeFileHandle userNamespace)
    {
        Check(Unshare(CloneFs), "unshare(CLONE_FS)");
        using (var mountNamespace = File.OpenHandle($"/proc/{holderPid.ToString(CultureInfo.InvariantCulture)}/ns/mnt", FileMode.Open, FileAccess.Read))
        {
            Check(SetNs(mountNamespace, CloneNewNs), "setns into the machine's mount namespace");
        }

        var how = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(how, OpenPath | OpenDirectory | CloseOnExec);
        BinaryPrimitives.WriteUInt64LittleEndian(how.AsSpan(16), ResolveNoSymlinks);
        using var target = Handle(Check(SysOpenAt2(OpenAt2Syscall, AtFdCwd, resolved, how, how.Length), $"open {resolved} without following links"));
        var status = FileStatus.Of(target);
        if (!status.IsDirectory || status.Uid != folder.Uid || status.Gid != folder.Gid)
        {
            throw new IOException($"{resolved} is no longer a folder of {folder.Uid}:{folder.Gid} (now {status.Uid}:{status.Gid})");
        }

        using var tree = Handle(Check(SysOpenTree(OpenTreeSyscall, target, "", OpenTreeClone | CloseOnExec | AtEmptyPath), $"open_tree {resolved}"));
        var attributes = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(attributes, MountAttrIdmap);
        BinaryPrimitives.WriteUInt64LittleEndian(attributes.AsSpan(24), (ulong)userNamespace.DangerousGetHandle().ToInt64());
        Check(SysMountSetattr(MountSetattrSyscall, tree, "", AtEmptyPath, attributes, attributes.Length), $"idmap a bind of {resolved} (mount_setattr)");
        Check(SysMoveMount(MoveMountSyscall, tree, "", target, "", MoveMountFromEmptyPath | MoveMountToEmptyPath), $"mount the idmapped bind on {resolved} (move_mount)");
    }

    private static string Resolve(string path)
    {
        var resolved = RealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            throw new IOException($"cannot resolve {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            Free(resolved);
        }
    }

    private static SafeFileHandle Handle(long fd) => new((IntPtr)fd, ownsHandle: true);

    private static long Check(long result, string step)
    {
        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{step}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno.ToString(CultureInfo.InvariantCulture)})");
        }

        return result;
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static extern int Unshare(int flags);

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(SafeFileHandle fd, int type);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr RealPath(string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern long SysOpenAt2(long number, long dirfd, string path, byte[] how, long size);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern long SysOpenTree(long number, SafeFileHandle dirfd, string path, long flags);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern long SysMountSetattr(long number, SafeFileHandle dirfd, string path, long flags, byte[] attributes, long size);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern long SysMoveMount(long number, SafeFileHandle fromDirfd, string fromPath, SafeFileHandle toDirfd, string toPath, long flags);
}
