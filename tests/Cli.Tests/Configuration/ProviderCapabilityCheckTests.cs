using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class ProviderCapabilityCheckTests
{
    private static readonly SourceLocation ProviderLine = new("Disklessfile", 8, 1);

    private static MachineSpec Machine(ShareTransport? root, IReadOnlyList<SyncedFolder>? folders = null, IReadOnlyList<PortForward>? ports = null) => new(
        "dev", "/project", "/project/Disklessfile", 1, 512,
        new DistroSpec("fake", "one", null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
        new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), ProviderLine),
        new ShareSpec(root), folders ?? [], ports ?? [], [], TimeSpan.FromSeconds(20));

    [Fact]
    public void A_transport_or_udp_forward_the_provider_cannot_do_is_named_at_the_line_that_asks_for_it()
    {
        var provider = new Diskless.Cli.Tests.Pipeline.FakeProvider { Capabilities = new([ShareTransport.NineP], UdpPorts: false) };
        var folder = new SyncedFolder("/project/src", "/src", false, ShareTransport.VirtioFs, null, new SourceLocation("Disklessfile", 12, 1));
        var udp = new PortForward(5353, 53, "udp", Location: new SourceLocation("Disklessfile", 16, 1));
        var tcp = new PortForward(8080, 80, Location: new SourceLocation("Disklessfile", 19, 1));

        var issues = ProviderCapabilityCheck.Check(Machine(ShareTransport.VirtioFs, [folder], [udp, tcp]), provider).ToList();

        Assert.Equal(
            [
                "Disklessfile:8:1: the fakevm provider cannot boot a root over virtiofs (set [share] transport = \"9p\" (it supports 9p), or choose another provider)",
                "Disklessfile:12:1: the fakevm provider cannot share a folder over virtiofs (use transport = \"9p\" (it supports 9p))",
                "Disklessfile:16:1: the fakevm provider cannot forward UDP ports (forward TCP only (protocol = \"tcp\"), or choose another provider)",
            ],
            issues.Select(i => i.ToString()));
    }

    [Fact]
    public void What_the_provider_can_do_passes()
    {
        var provider = new Diskless.Cli.Tests.Pipeline.FakeProvider();
        var folder = new SyncedFolder("/project/src", "/src", false, ShareTransport.VirtioFs, null, null);

        Assert.Empty(ProviderCapabilityCheck.Check(Machine(ShareTransport.NineP, [folder], [new PortForward(5353, 53, "udp")]), provider));
    }
}
