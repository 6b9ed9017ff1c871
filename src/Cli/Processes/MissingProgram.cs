using Diskless.Abstractions;

namespace Diskless.Cli.Processes;

/// <summary>The error for a program that is not installed, with the Debian package that provides it.</summary>
public static class MissingProgram
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["debootstrap"] = "debootstrap",
        ["mmdebstrap"] = "mmdebstrap",
        ["qemu-system-x86_64"] = "qemu-system-x86",
        ["qemu-img"] = "qemu-utils",
        ["virtiofsd"] = "qemu-system-common",
        ["ssh-keygen"] = "openssh-client",
        ["ssh"] = "openssh-client",
        ["sshd"] = "openssh-server",
        ["virsh"] = "libvirt-clients",
        ["libvirtd"] = "libvirt-daemon-system",
        ["btrfs"] = "btrfs-progs",
        ["mkfs.btrfs"] = "btrfs-progs",
        ["lsinitramfs"] = "initramfs-tools",
        ["update-initramfs"] = "initramfs-tools",
        ["pacstrap"] = "arch-install-scripts",
        ["arch-chroot"] = "arch-install-scripts",
        ["pacman"] = "pacman-package-manager",
        ["sudo"] = "sudo",
        ["setsid"] = "util-linux",
        ["mount"] = "mount",
        ["umount"] = "mount",
        ["chroot"] = "coreutils",
        ["cp"] = "coreutils",
        ["rm"] = "coreutils",
        ["stat"] = "coreutils",
        ["kill"] = "procps",
    };

    /// <summary>The Debian package that provides <paramref name="program"/>, when known.</summary>
    public static string? PackageFor(string program) =>
        Packages.TryGetValue(Path.GetFileName(program), out var package) ? package : null;

    /// <summary>"debootstrap is not installed", with the apt-get command that installs it.</summary>
    public static DisklessException Error(string program)
    {
        var name = Path.GetFileName(program);
        var package = PackageFor(name);
        var hint = package is null
            ? $"install {name} and make sure it is on PATH"
            : $"apt-get install -y {package}";
        return new DisklessException($"{name} is not installed", hint, ExitCodes.NotAvailable);
    }
}
