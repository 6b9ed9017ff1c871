using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.Arch.Tests;

public sealed class ArchDistroTests
{
    [Fact]
    public async Task Until_it_is_built_the_plugin_says_what_it_lacks_and_refuses_instead_of_pretending()
    {
        var distro = new ArchDistro();
        var spec = new DistroSpec("arch", null, null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null);

        var error = await Assert.ThrowsAsync<DisklessException>(() => distro.BuildBaseAsync(null!, "/nonexistent", new FakeHostServices(), CancellationToken.None));

        Assert.Equal("arch", distro.Name);
        Assert.NotEmpty(distro.MissingCapabilities);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Throws<DisklessException>(() => distro.DescribeBase(spec));
    }
}
