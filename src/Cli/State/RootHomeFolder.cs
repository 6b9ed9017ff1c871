using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// Whether the machine root's <c>home</c> folder may be served as a share of its own. The root is the guest's to write:
/// guest root could have made <c>/home</c> a link (to <c>/etc</c>, which the host would resolve to its own), a device or
/// a fifo, and a share's daemon follows its source path. So <c>home</c> is opened beneath the root without following a
/// link (<see cref="BeneathFolder"/>: openat with O_NOFOLLOW|O_DIRECTORY) and must be a real folder of the root's own
/// owner on the root's own device (not a host mount point). Checked right before the daemons start, while no guest
/// runs: the machine's only guest-controlled processes are its QEMU's vCPUs, and QEMU starts after the daemons (a
/// daemon left from an earlier run serves no guest: its QEMU is gone), so nothing the guest controls can swap the
/// folder between this check and the daemon's open.
/// </summary>
public static class RootHomeFolder
{
    /// <summary>The folder's name in the root: the guest's /home.</summary>
    public static string Name => Share.HomeGuestPath.TrimStart('/');

    /// <summary>Why <paramref name="rootDirectory"/>'s home folder is not served apart; null when it may be.</summary>
    public static string? WhyNotServed(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        try
        {
            var root = FileStatus.Read(rootDirectory) ?? throw new DirectoryNotFoundException($"{rootDirectory} does not exist");
            using var home = BeneathFolder.Open(rootDirectory, [Name], root.Uid, "who owns the root");
            if (home is null)
            {
                return "it does not exist";
            }

            return home.Status().Device == root.Device ? null : "it is on another file system than the root (a mount point)";
        }
        catch (UntrustedFileException untrusted)
        {
            // openat with O_DIRECTORY|O_NOFOLLOW says only "not a folder" for a link: name it for people.
            return new FileInfo(Path.Combine(rootDirectory, Name)).LinkTarget is { } target ? $"it is a symbolic link (to {target})" : untrusted.Reason;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
