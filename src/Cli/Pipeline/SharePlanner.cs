using Diskless.Abstractions;

namespace Diskless.Cli.Pipeline;

/// <summary>
/// Decides every share's tag once, so the distro plugin (fstab, kernel command line) and the provider (QEMU
/// devices) agree. Tags are short, never start with /dev and hold no '=': the initramfs would otherwise wait
/// for a block device.
/// </summary>
internal static class SharePlanner
{
    public static IReadOnlyList<Share> Plan(MachineSpec machine, string rootDirectory, ShareTransport rootTransport)
    {
        var shares = new List<Share>
        {
            new(Share.RootTag, rootDirectory, "/", rootTransport, NinePMsize: machine.Share.NinePMsize),
        };
        for (var i = 0; i < machine.SyncedFolders.Count; i++)
        {
            var folder = machine.SyncedFolders[i];
            shares.Add(new Share(
                $"share{i}",
                folder.HostPath,
                folder.GuestPath,
                folder.Transport ?? rootTransport,
                folder.ReadOnly,
                folder.NinePSecurityModel ?? "passthrough",
                machine.Share.NinePMsize));
        }

        return shares;
    }
}
