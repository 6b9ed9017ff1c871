using System.Runtime.InteropServices;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Microsoft.Win32.SafeHandles;

namespace Diskless.Cli.Provisioning;

/// <summary>
/// Opens a provisioner's host file for upload. Unless the user trusted the Disklessfile's reach, the file must lie in
/// the project folder, links resolved, when it is opened, not only when the file was validated: a project the guest
/// writes (a synced folder) can turn a script into a link to any host file in between. What was opened is checked
/// again through its descriptor, so a swap between the check and the open is caught too.
/// </summary>
public static class ProvisioningSource
{
    private const int ReadOnly = 0;
    private const int NoFollow = 0x20000;
    private const int CloseOnExec = 0x80000;
    private const int NonBlocking = 0x800;

    /// <summary>
    /// A stream of <paramref name="path"/>'s content; <paramref name="confinedTo"/> is the project's real folder when
    /// the file must lie inside it, null when the user trusted what the Disklessfile reaches.
    /// </summary>
    public static FileStream Open(string path, string? confinedTo, Provisioner provisioner)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(provisioner);
        var real = RealPath.Resolve(Path.GetFullPath(path));
        RequireInside(real, path, confinedTo, provisioner);
        var fd = Open(real, ReadOnly | NoFollow | CloseOnExec | NonBlocking, 0);
        if (fd < 0)
        {
            throw new DisklessException($"{Where(provisioner)}cannot open {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}", null, ExitCodes.InvalidConfiguration);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (!FileStatus.Of(handle).IsRegularFile)
            {
                throw new DisklessException($"{Where(provisioner)}{path} is not a regular file", "only files can be uploaded", ExitCodes.InvalidConfiguration);
            }

            var opened = new FileInfo("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture)).LinkTarget ?? real;
            RequireInside(opened, path, confinedTo, provisioner);
            return new FileStream(handle, FileAccess.Read);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void RequireInside(string real, string path, string? confinedTo, Provisioner provisioner)
    {
        if (confinedTo is null || real == confinedTo || RealPath.IsStrictlyUnder(real, confinedTo))
        {
            return;
        }

        throw new DisklessException(
            $"{Where(provisioner)}{provisioner.Describe()}: {path} leads to {real}, outside the project folder {confinedTo}. Nothing was uploaded.",
            "a file of the project may have been replaced by a link since the Disklessfile was checked; if the file is meant to come from outside, say so in the Disklessfile and run `diskless trust`",
            ExitCodes.InvalidConfiguration);
    }

    private static string Where(Provisioner provisioner) => provisioner.Location is { } location ? $"{location}: " : "";

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags, int mode);
}
