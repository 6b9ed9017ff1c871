using Diskless.Plugins.Arch.Tests.Support;

namespace Diskless.Plugins.Arch.Tests;

/// <summary>The console diagnosis's hints in Arch's words, for the generator the machine uses: never Debian's update-initramfs.</summary>
public sealed class DescribeInitramfsTests
{
    [Fact]
    public void The_default_mkinitcpio_guest_is_told_about_its_modules_array_and_mkinitcpio()
    {
        var hints = ArchSpecs.Plugin().DescribeInitramfs(ArchSpecs.Distro());

        Assert.Equal("MODULES in /etc/mkinitcpio.conf", hints.ModulesList);
        Assert.Equal("sudo mkinitcpio -P", hints.RebuildCommand);
    }

    [Fact]
    public void A_booster_guest_is_told_about_booster_yaml_and_its_regenerate_script()
    {
        var hints = ArchSpecs.Plugin().DescribeInitramfs(ArchSpecs.Distro(settings: ("initramfs", "booster", 3)));

        Assert.Equal("modules_force_load in /etc/booster.yaml", hints.ModulesList);
        Assert.Equal("sudo /usr/lib/booster/regenerate_images", hints.RebuildCommand);
    }
}
