using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

public sealed class DescribeInitramfsTests
{
    [Fact]
    public void A_debian_guest_lists_its_modules_for_initramfs_tools_and_rebuilds_with_update_initramfs()
    {
        var hints = new DebianDistro().DescribeInitramfs(Specs.Distro());

        Assert.Equal("/etc/initramfs-tools/modules", hints.ModulesList);
        Assert.Equal("sudo update-initramfs -u", hints.RebuildCommand);
    }
}
