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

    [Fact]
    public void A_comma_in_the_folder_is_escaped_for_the_C_virtiofsd()
    {
        var args = VirtiofsdArgs.Build(Root with { HostPath = "/srv/a,b" }, "/run/s.sock", VirtiofsdFlavour.LegacyC);

        Assert.Contains("source=/srv/a\\,b", args);
    }
}
