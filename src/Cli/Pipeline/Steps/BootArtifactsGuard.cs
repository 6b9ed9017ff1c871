using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>
/// Checks the recorded kernel and initrd again right before a start. They were checked when configured, but they
/// lie in the guest's root: since its last run the guest may have put a link to a host file (/etc/shadow) or a
/// device node in their place, and the provider reads them on the host, possibly as root. The guest is halted
/// now, so what passes here is what the provider reads.
/// </summary>
internal static class BootArtifactsGuard
{
    public static void Require(MachineRecord record, BootArtifacts artifacts)
    {
        var root = new MachineRoot(record.RootPath);
        Check(record, root, artifacts.KernelPath, "kernel");
        Check(record, root, artifacts.InitrdPath, "initrd");
    }

    private static void Check(MachineRecord record, MachineRoot root, string hostPath, string what)
    {
        var full = Path.GetFullPath(hostPath);
        if (!RealPath.IsStrictlyUnder(full, root.Path))
        {
            throw Refused(record, root, hostPath, what, $"lies outside the machine's root folder {root.Path}");
        }

        string unlinked;
        try
        {
            unlinked = root.ResolveWithoutLinks("/" + Path.GetRelativePath(root.Path, full));
        }
        catch (DisklessException e)
        {
            throw Refused(record, root, hostPath, what, $"goes through a symbolic link the guest can point anywhere on the host ({e.Message})");
        }

        // lstat, not stat: the entry itself is judged, never what it might point to.
        var status = FileStatus.Read(unlinked, followLinks: false);
        if (status is null)
        {
            throw Refused(record, root, hostPath, what, "no longer exists");
        }

        if (!status.IsRegularFile)
        {
            throw Refused(record, root, hostPath, what, "is not a regular file (a folder, a device node, a fifo or a socket)");
        }

        if (status.Size == 0)
        {
            throw Refused(record, root, hostPath, what, "is empty");
        }
    }

    private static DisklessException Refused(MachineRecord record, MachineRoot root, string hostPath, string what, string why) =>
        new(
            $"Machine '{record.Name}' was not started: its {what} {hostPath} {why}. The guest can change its own /boot, " +
            "and the provider reads these files on the host, so Diskless boots only regular files inside the machine's root.",
            $"Put the real {what} back in {Path.Combine(root.Path, "boot")} and run `diskless reload`, or `diskless destroy` and `diskless up` to rebuild the machine.",
            ExitCodes.WrongMachineState);
}
