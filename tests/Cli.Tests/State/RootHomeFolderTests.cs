using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>The root's home folder is served apart only when it is a real folder of the root's owner, on its device.</summary>
public sealed class RootHomeFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("diskless-home-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Home => Path.Combine(_root, RootHomeFolder.Name);

    [Fact]
    public void A_real_folder_of_the_roots_owner_is_served()
    {
        Directory.CreateDirectory(Path.Combine(Home, "diskless"));

        Assert.Null(RootHomeFolder.WhyNotServed(_root));
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("usr")]
    public void A_link_is_never_served_wherever_it_points(string target)
    {
        Directory.CreateDirectory(Path.Combine(_root, "usr"));
        File.CreateSymbolicLink(Home, target);

        Assert.Equal($"it is a symbolic link (to {target})", RootHomeFolder.WhyNotServed(_root));
    }

    [Fact]
    public void A_file_or_a_missing_folder_is_not_served()
    {
        Assert.Equal("it does not exist", RootHomeFolder.WhyNotServed(_root));

        File.WriteAllText(Home, "");

        Assert.Equal("it is not a folder", RootHomeFolder.WhyNotServed(_root));
    }

    [RequiresFact("chown", Root = true)]
    public void A_folder_of_another_owner_is_not_served()
    {
        Directory.CreateDirectory(Home);
        using (var chown = System.Diagnostics.Process.Start("chown", ["4242:4242", Home]))
        {
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        Assert.Equal("it belongs to uid 4242, not to uid 0, who owns the root", RootHomeFolder.WhyNotServed(_root));
    }
}
