using static Diskless.Testing.TreeFiles;

namespace Diskless.Plugins.Arch.Tests.Support;

/// <summary>
/// The parts of a pacstrapped Arch base that configuring reads or replaces: account files as filesystem's and
/// systemd's packages leave them (cut short; wheel, no shadow group), /etc/skel, the kernel and both generators'
/// images, an /etc/ssh with a key an install script made, and pacman's own pacman.conf.
/// </summary>
internal static class FakeArchTree
{
    public static void Create(string root)
    {
        Write(root, "etc/passwd", "root:x:0:0::/root:/usr/bin/bash\nbin:x:1:1::/:/usr/bin/nologin\nsystemd-network:x:980:980:systemd Network Management:/:/usr/bin/nologin\n");
        Write(root, "etc/group", "root:x:0:root\nwheel:x:998:\nusers:x:984:\nsystemd-network:x:980:\n");
        Write(root, "etc/shadow", "root:*:20000::::::\nbin:!*:20000::::::\nsystemd-network:!*:20000::::::\n", ShadowMode);
        Write(root, "etc/gshadow", "root:::root\nwheel:!*::\nusers:!*::\nsystemd-network:!*::\n", ShadowMode);
        Write(root, "etc/skel/.bashrc", "# ~/.bashrc\n");
        Write(root, "etc/skel/.bash_profile", "# ~/.bash_profile\n");
        Write(root, "etc/pacman.conf", "[options]\nArchitecture = auto\n[core]\nInclude = /etc/pacman.d/mirrorlist\n");
        Write(root, "etc/hostname", "buildhost\n");
        Write(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        Write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n");
        Write(root, "etc/ssh/ssh_host_ecdsa_key", "base ecdsa key\n");
        Write(root, "boot/vmlinuz-linux", "kernel image\n");
        Write(root, "boot/initramfs-linux.img", "mkinitcpio image\n");
        Write(root, "boot/booster-linux.img", "booster image\n");
    }

    /// <summary>/etc/shadow's and /etc/gshadow's mode in Arch: 0600, root's alone.</summary>
    public const UnixFileMode ShadowMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
