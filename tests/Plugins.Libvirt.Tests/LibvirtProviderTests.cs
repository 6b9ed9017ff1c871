using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

public sealed class LibvirtProviderTests
{
    [Fact]
    public async Task Until_it_is_built_the_plugin_says_what_it_lacks_and_refuses_to_start_instead_of_pretending()
    {
        var provider = new LibvirtProvider();

        var error = await Assert.ThrowsAsync<DisklessException>(() => provider.StartAsync(null!, new FakeHostServices(), CancellationToken.None));

        Assert.Equal("libvirt", provider.Name);
        Assert.NotEmpty(provider.MissingCapabilities);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Contains("cannot start a machine yet", error.Message, StringComparison.Ordinal);
    }
}
