using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests;

public sealed class NinePSetuidWarningTests
{
    private static readonly Share Folder = new("share1", "/home/me/project", "/project", ShareTransport.NineP);

    [Theory]
    [InlineData("passthrough")]
    [InlineData("none")]
    public void A_writable_9p_folder_whose_modes_reach_the_host_is_named_with_the_fix(string model)
    {
        var warning = NinePSetuidWarning.For(Folder with { NinePSecurityModel = model });

        Assert.NotNull(warning);
        Assert.Contains("'/project' (/home/me/project)", warning, StringComparison.Ordinal);
        Assert.Contains($"security_model = \"{model}\"", warning, StringComparison.Ordinal);
        Assert.Contains("transport = \"virtiofs\"", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Virtiofs_mapped_xattr_read_only_folders_and_the_root_get_none()
    {
        Assert.Null(NinePSetuidWarning.For(Folder with { Transport = ShareTransport.VirtioFs }));
        Assert.Null(NinePSetuidWarning.For(Folder with { NinePSecurityModel = "mapped-xattr" }));
        Assert.Null(NinePSetuidWarning.For(Folder with { ReadOnly = true }));
        Assert.Null(NinePSetuidWarning.For(new Share(Share.RootTag, "/var/lib/diskless/machines/x/root", "/", ShareTransport.NineP)));
    }
}
