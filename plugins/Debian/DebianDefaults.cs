namespace Diskless.Plugins.Debian;

/// <summary>What a Debian machine gets when the Disklessfile says nothing.</summary>
internal static class DebianDefaults
{
    public const string Release = "bookworm";

    public const string Mirror = "http://deb.debian.org/debian";

    public const string Architecture = "amd64";

    public const string Variant = "minbase";

    public const string ComponentsOption = "components";

    public const string VariantOption = "variant";

    public static readonly IReadOnlyList<string> Components = ["main"];

    /// <summary>
    /// What a booting, reachable dev VM needs on top of minbase (LAB.md): a kernel and initramfs-tools (zstd keeps the
    /// initramfs small), systemd as init with udev and dbus, sshd, and the tools people expect. systemd-networkd ships
    /// in systemd; netbase gives /etc/services and /etc/protocols, which minbase lacks.
    /// </summary>
    public static readonly IReadOnlyList<string> BasePackages =
    [
        "ca-certificates",
        "dbus",
        "initramfs-tools",
        "iproute2",
        "kmod",
        "linux-image-amd64",
        "netbase",
        "openssh-server",
        "procps",
        "sudo",
        "systemd-sysv",
        "udev",
        "zstd",
    ];

    /// <summary>Releases this plugin knows by name; others are accepted unless they look like a typo of one of these.</summary>
    public static readonly IReadOnlyList<string> KnownReleases =
        ["bullseye", "bookworm", "trixie", "forky", "sid", "unstable", "testing", "stable", "oldstable", "experimental"];

    /// <summary>Releases without -updates and -security suites.</summary>
    public static readonly IReadOnlyList<string> RollingReleases = ["sid", "unstable", "experimental"];
}
