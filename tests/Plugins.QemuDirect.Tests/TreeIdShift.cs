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
    public static int Shift(string tree, IdMap map)
    {
        var entries = new DirectoryInfo(tree)
            .EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
            .Prepend(new DirectoryInfo(tree));
        var count = 0;
        foreach (var entry in entries)
        {
            var status = FileStatus.Read(entry.FullName, followLinks: false) ?? throw new IOException($"{entry.FullName} vanished");
            var uid = map.ToHost(status.Uid) ?? throw new InvalidOperationException($"{entry.FullName}: uid {status.Uid} is outside the map");
            var gid = map.ToHostGid(status.Gid) ?? throw new InvalidOperationException($"{entry.FullName}: gid {status.Gid} is outside the map");
            if (Lchown(entry.FullName, (uint)uid, (uint)gid) != 0)
            {
                throw new IOException($"cannot give {entry.FullName} to {uid}:{gid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            var isLink = entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
            if (!isLink && (status.Mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
            {
                File.SetUnixFileMode(entry.FullName, status.Mode);
            }

            count++;
        }

        return count;
    }

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Lchown(string path, uint owner, uint group);
}
