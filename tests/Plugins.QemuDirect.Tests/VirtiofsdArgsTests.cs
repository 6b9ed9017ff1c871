using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

public class VirtiofsdArgsTests
{
    private static readonly Share Root = new(Share.RootTag, "/var/lib/diskless/machines/0b7e4c/root", "/", ShareTransport.VirtioFs);

    [Fact]
    public void The_rust_virtiofsd_gets_long_options()
    {
        var args = VirtiofsdArgs.Build(Root, "/run/diskless/3f2a9c/vfs0.sock", VirtiofsdFlavour.Rust);

        Golden.AssertText(string.Join('\n', args) + "\n", "virtiofsd-args/rust.txt");
    }

    [Fact]
    public void The_C_virtiofsd_gets_fuse_style_options()
    {
        var args = VirtiofsdArgs.Build(Root, "/run/diskless/3f2a9c/vfs0.sock", VirtiofsdFlavour.LegacyC);

        Golden.AssertText(string.Join('\n', args) + "\n", "virtiofsd-args/legacy-c.txt");
    }

    [Theory]
    [InlineData(VirtiofsdFlavour.Rust)]
    [InlineData(VirtiofsdFlavour.LegacyC)]
    public void The_root_is_cached_by_the_guest_and_a_synced_folder_the_host_edits_is_revalidated(VirtiofsdFlavour flavour)
    {
        var synced = new Share("sync0", "/home/dev/project", "/project", ShareTransport.VirtioFs);

        var root = string.Join(' ', VirtiofsdArgs.Build(Root, "/run/s.sock", flavour));
        var folder = string.Join(' ', VirtiofsdArgs.Build(synced, "/run/s.sock", flavour));

        Assert.Matches("cache[= ]always", root);
        Assert.Matches("cache[= ]auto", folder);
    }

    [Fact]
    public void A_comma_in_the_folder_is_escaped_for_the_C_virtiofsd()
    {
        var args = VirtiofsdArgs.Build(Root with { HostPath = "/srv/a,b" }, "/run/s.sock", VirtiofsdFlavour.LegacyC);

        Assert.Contains("source=/srv/a\\,b", args);
    }
}
