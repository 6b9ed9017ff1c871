using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests.Support;

/// <summary>
/// The parts of a debootstrapped base that configuring reads or replaces: the account files (as bookworm's, cut
/// short), /etc/skel, openssh-server's own host keys, the host's resolv.conf and hostname copied by debootstrap, a
/// resume file, and the kernel links.
/// </summary>
internal static class FakeBaseTree
{
    public const string KernelVersion = "6.1.0-99-amd64";

    public static void Create(string root, bool withUser = false, bool withLocaleGen = false)
    {
        Write(root, "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\n" +
            "sshd:x:101:65534::/run/sshd:/usr/sbin/nologin\n" +
            (withUser ? "diskless:x:1000:1000:,,,:/home/diskless:/bin/bash\n" : ""));
        Write(root, "etc/group", "root:x:0:\nsudo:x:27:\nshadow:x:42:\nusers:x:100:\nnogroup:x:65534:\n" + (withUser ? "diskless:x:1000:\n" : ""));
        Write(root, "etc/shadow",
            "root:*:20787:0:99999:7:::\n" +
            "sshd:!:20787::::::\n" +
            (withUser ? "diskless:!:20787:0:99999:7:::\n" : ""), ShadowMode);
        Write(root, "etc/gshadow", "root:*::\nsudo:*::\nshadow:*::\nusers:*::\nnogroup:*::\n" + (withUser ? "diskless:!::\n" : ""), ShadowMode);
        Write(root, "etc/skel/.bashrc", "# ~/.bashrc\n");
        Write(root, "etc/skel/.profile", "# ~/.profile\n");
        Write(root, "etc/hostname", "buildhost\n");
        Write(root, "etc/resolv.conf", "nameserver 192.168.1.1\n");
        Write(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        Write(root, "var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n");
        Write(root, "etc/initramfs-tools/conf.d/resume", "RESUME=UUID=1234\n");
        Write(root, "etc/initramfs-tools/initramfs.conf", "MODULES=most\n");
        foreach (var algorithm in new[] { "ecdsa", "ed25519", "rsa" })
        {
            Write(root, $"etc/ssh/ssh_host_{algorithm}_key", $"base {algorithm} key\n");
            Write(root, $"etc/ssh/ssh_host_{algorithm}_key.pub", $"base {algorithm} public key\n");
        }

        Write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n");
        Write(root, $"boot/vmlinuz-{KernelVersion}", "kernel image\n");
        Write(root, $"boot/initrd.img-{KernelVersion}", "initramfs image\n");
        File.CreateSymbolicLink(Path.Combine(root, "vmlinuz"), $"boot/vmlinuz-{KernelVersion}");
        File.CreateSymbolicLink(Path.Combine(root, "initrd.img"), $"boot/initrd.img-{KernelVersion}");
        if (withLocaleGen)
        {
            Write(root, "usr/sbin/locale-gen", "#!/bin/sh\n");
        }
    }

    /// <summary>/etc/shadow's and /etc/gshadow's mode, 0640 (root:shadow in a real base).</summary>
    public const UnixFileMode ShadowMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    public static void Write(string root, string relativePath, string content, UnixFileMode mode = TreeFiles.Mode0644) =>
        TreeFiles.Write(root, relativePath, content, mode);
}
