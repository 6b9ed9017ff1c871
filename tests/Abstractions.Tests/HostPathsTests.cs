namespace Diskless.Abstractions.Tests;

public sealed class HostPathsTests
{
    [Fact]
    public void The_cache_is_a_folder_of_its_own_inside_the_data_dir()
    {
        var paths = new HostPaths("/var/lib/diskless");

        Assert.Equal("/var/lib/diskless/cache", paths.CacheDirectory);
        Assert.DoesNotContain(paths.CacheDirectory, new[] { paths.BasesDirectory, paths.MachinesDirectory, paths.TempDirectory, paths.PluginsDirectory });
    }
}
