namespace Diskless.Plugins.Arch;

/// <summary>What an Arch machine gets when the Disklessfile says nothing, and the names of the Arch keys of <c>[distro]</c>.</summary>
internal static class ArchDefaults
{
    /// <summary>Arch's own CDN-backed mirror; pacman fills in $repo and $arch.</summary>
    public const string Mirror = "https://geo.mirror.pkgbuild.com/$repo/os/$arch";

    public const string Architecture = "x86_64";

    public const string InitramfsOption = "initramfs";
    public const string RepositoriesOption = "repositories";
    public const string CheckSignaturesOption = "check_signatures";

    public const string Mkinitcpio = "mkinitcpio";
    public const string Booster = "booster";
    public const string Dracut = "dracut";

    public static readonly IReadOnlyList<string> Repositories = ["core", "extra"];

    /// <summary>What a booting, reachable dev VM needs: the base group's meta package, a kernel, sshd and sudo; the initramfs generator is added by choice.</summary>
    public static readonly IReadOnlyList<string> BasePackages = ["base", "linux", "openssh", "sudo"];

    /// <summary>The group whose members administer an Arch machine.</summary>
    public const string AdminGroup = "wheel";
}
