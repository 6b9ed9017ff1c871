using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
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
        SafeFileHandle handle;
        try
        {
            handle = BeneathFolder.OpenFileNoFollow(real)
                ?? throw new DisklessException($"{Where(provisioner)}{path} does not exist", null, ExitCodes.InvalidConfiguration);
        }
        catch (IOException e)
        {
            throw new DisklessException($"{Where(provisioner)}cannot open {path}: {e.Message}", null, ExitCodes.InvalidConfiguration, e);
        }

        try
        {
            if (!FileStatus.Of(handle).IsRegularFile)
            {
                throw new DisklessException($"{Where(provisioner)}{path} is not a regular file", "only files can be uploaded", ExitCodes.InvalidConfiguration);
            }

            RequireInside(BeneathFolder.PathOf(handle) ?? real, path, confinedTo, provisioner);
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
}
