using Diskless.Abstractions;

namespace Diskless.ProviderSupport.Tests;

public sealed class NinePSetuidRuleTests
{
    private static readonly Share Root = new(Share.RootTag, "/var/lib/diskless/machines/x/root", "/", ShareTransport.NineP);
    private static readonly Share Folder = new("share1", "/home/me/project", "/project", ShareTransport.NineP);

    [Theory]
    [InlineData("passthrough")]
    [InlineData("none")]
    public void A_writable_9p_folder_whose_modes_reach_the_host_is_refused_by_name_with_the_fix(string model)
    {
        var error = Assert.Throws<DisklessException>(() => NinePSetuidRule.Require([Root, Folder with { NinePSecurityModel = model }]));

        Assert.Contains("'/project' (/home/me/project)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"security_model = \"{model}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("transport = \"virtiofs\"", error.Hint, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
    }

    [Fact]
    public void Virtiofs_mapped_and_read_only_folders_and_a_9p_root_pass()
    {
        NinePSetuidRule.Require(
        [
            Root,
            Folder with { Transport = ShareTransport.VirtioFs },
            Folder with { Tag = "share2", NinePSecurityModel = "mapped-xattr" },
            Folder with { Tag = "share3", NinePSecurityModel = "mapped" },
            Folder with { Tag = "share4", ReadOnly = true },
        ]);

        Assert.False(NinePSetuidRule.OpensTheDoor(Root));
        Assert.True(NinePSetuidRule.OpensTheDoor(Folder));
    }
}
