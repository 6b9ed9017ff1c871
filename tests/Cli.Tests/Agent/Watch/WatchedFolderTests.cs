using Diskless.Cli.Agent.Watch;

namespace Diskless.Cli.Tests.Agent.Watch;

public sealed class WatchedFolderTests
{
    private readonly WatchedFolder _folder = new("/home/u/shop", "/project/");

    [Theory]
    [InlineData("/home/u/shop", "/project/")]
    [InlineData("/home/u/shop/src/app.js", "/project/src/app.js")]
    [InlineData("/home/u/shop/a b\tc", "/project/a b\tc")]
    public void A_host_path_in_the_folder_maps_to_the_guest_mount(string host, string guest) =>
        Assert.Equal(guest, _folder.ToGuest(host));

    [Theory]
    [InlineData("/home/u/shopping/x")]
    [InlineData("/home/u")]
    [InlineData("/etc/passwd")]
    [InlineData("/home/u/shop/src/.diskless-watch-12-3")]
    public void Paths_outside_the_folder_and_the_guest_sides_own_names_map_to_nothing(string host) =>
        Assert.Null(_folder.ToGuest(host));
}
