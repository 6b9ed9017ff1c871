using Diskless.Abstractions;
using Diskless.PluginSupport.Shares;

namespace Diskless.PluginSupport.Tests;

/// <summary>The share rules every distro's fstab and kernel command line rely on.</summary>
public sealed class SharesTests
{
    [Theory]
    [InlineData("/home/dev/my project", "/home/dev/my\\040project")]
    [InlineData("/a\tb", "/a\\011b")]
    [InlineData("/back\\slash", "/back\\134slash")]
    [InlineData("/plain/path", "/plain/path")]
    public void Fstab_escapes_blanks_and_backslashes_as_octal(string path, string escaped) =>
        Assert.Equal(escaped, FstabEscaping.Escape(path));

    [Theory]
    [InlineData("/dev/vda", "/", "starts with /dev")]
    [InlineData("UUID=1234", "/", "'='")]
    [InlineData("two words", "/project", "blank")]
    [InlineData("hash#tag", "/project", "'#'")]
    [InlineData("", "/project", "is empty")]
    public void A_tag_the_initramfs_or_fstab_cannot_use_is_refused_with_the_reason(string tag, string guestPath, string reason)
    {
        var error = Assert.Throws<DisklessException>(() => ShareTags.Validate([new Share(tag, "/host", guestPath, ShareTransport.VirtioFs)]));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(guestPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_synced_folder_may_have_an_equals_sign_that_a_root_may_not()
    {
        ShareTags.Validate([new Share("rootfs", "/host", "/", ShareTransport.NineP), new Share("a=b", "/host/p", "/project", ShareTransport.NineP)]);
    }

    [Fact]
    public void Every_initramfs_carries_both_transports_and_the_nic()
    {
        Assert.Equal(["virtio_pci", "virtio_net", "9pnet", "9pnet_virtio", "9p", "virtiofs"], BootTransports.InitramfsModules);
        Assert.Equal("9p", BootTransports.FileSystemType(ShareTransport.NineP));
        Assert.Equal("virtiofs", BootTransports.FileSystemType(ShareTransport.VirtioFs));
    }
}
