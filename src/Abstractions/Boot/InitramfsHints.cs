namespace Diskless.Abstractions;

/// <summary>
/// How a guest's initramfs is changed, in its distro's words (<see cref="IDistro.DescribeInitramfs"/>), for the hints a
/// provider gives when the console shows that the initramfs cannot mount the root share: an Arch user is not told to
/// run Debian's update-initramfs.
/// </summary>
/// <param name="ModulesList">Where the modules the initramfs always holds are listed, e.g. "/etc/initramfs-tools/modules".</param>
/// <param name="RebuildCommand">The command, run in the guest, that rebuilds the initramfs, e.g. "sudo update-initramfs -u".</param>
public sealed record InitramfsHints(string ModulesList, string RebuildCommand);
