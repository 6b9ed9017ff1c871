using System.Runtime.InteropServices;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Moves a host-owned tree into a machine's id range (lab §2): every file's owner and group become the host ids their
/// guest ids map to, links themselves (never their targets), setuid and setgid bits kept (chown clears them). A stand-in
/// for the rootless base build until it lands. File capabilities (security.capability) are not carried over.
/// </summary>
internal static class TreeIdShift
{
    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };

    public static int Shift(string tree, IdMap map)
    {
        // A walk of our own: .NET's recursive enumeration descends into links to folders, and a tree's /var/run
        // points at the host's /run. Links are changed themselves and never entered.
        var count = 0;
        var folders = new Stack<DirectoryInfo>([new DirectoryInfo(tree)]);
        ShiftOne(new DirectoryInfo(tree), map, ref count);
        while (folders.TryPop(out var folder))
        {
            foreach (var entry in folder.EnumerateFileSystemInfos("*", Everything))
            {
                ShiftOne(entry, map, ref count);
                if (entry is DirectoryInfo directory && !IsLink(entry))
                {
                    folders.Push(directory);
                }
            }
        }

        return count;
    }

    private static bool IsLink(FileSystemInfo entry) => entry.Attributes.HasFlag(FileAttributes.ReparsePoint) || entry.LinkTarget is not null;

    private static void ShiftOne(FileSystemInfo entry, IdMap map, ref int count)
    {
        var status = FileStatus.Read(entry.FullName, followLinks: false) ?? throw new IOException($"{entry.FullName} vanished");
        if (status.Uid >= map.SubordinateUidStart && status.Uid < map.SubordinateUidStart + IdMap.GuestIdCount)
        {
            // A hard link to an inode already moved (gzip's names, for one): guest ids are all below the range.
            return;
        }

        var uid = map.ToHost(status.Uid) ?? throw new InvalidOperationException($"{entry.FullName}: uid {status.Uid} is outside the map");
        var gid = map.ToHostGid(status.Gid) ?? throw new InvalidOperationException($"{entry.FullName}: gid {status.Gid} is outside the map");
        if (Lchown(entry.FullName, (uint)uid, (uint)gid) != 0)
        {
            throw new IOException($"cannot give {entry.FullName} to {uid}:{gid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        if (!IsLink(entry) && (status.Mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
        {
            File.SetUnixFileMode(entry.FullName, status.Mode);
        }

        count++;
    }

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Lchown(string path, uint owner, uint group);
}
