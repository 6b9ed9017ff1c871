using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Ssh;

public sealed class KnownHostsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("diskless-knownhosts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Entries_name_the_bracketed_address_and_port_without_the_comment()
    {
        var text = KnownHosts.Render(new SshEndpoint("127.0.0.1", 2222), [TestKeys.HostA, TestKeys.HostB]);

        Assert.Equal(
            "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOVL2WwlYXqw+jIZWLn8wLAG3EJHkROMW1WNloOWFTQ+\n"
            + "[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL3E3hPNSA6j/GCenXhttTMTd0qJvN2+YpjLMrrJ4yV2\n",
            text);
    }

    [Fact]
    public void Port_22_uses_the_bare_address_as_ssh_looks_it_up()
    {
        Assert.Equal("127.0.0.1", KnownHosts.HostPattern(new SshEndpoint("127.0.0.1", 22)));
    }

    [Fact]
    public async Task A_new_port_replaces_the_old_entry()
    {
        var path = Path.Combine(_dir, "known_hosts");
        await KnownHosts.WriteAsync(path, new SshEndpoint("127.0.0.1", 2222), [TestKeys.HostA]);

        await KnownHosts.WriteAsync(path, new SshEndpoint("127.0.0.1", 2300), [TestKeys.HostA]);

        var text = await File.ReadAllTextAsync(path);
        Assert.StartsWith("[127.0.0.1]:2300 ssh-ed25519 ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2222", text, StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".tmp"));
    }
}
