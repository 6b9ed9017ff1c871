using Diskless.Abstractions;
using Diskless.Cli.Pipeline;

namespace Diskless.Cli.Tests.Pipeline;

public sealed class SharePlannerTests
{
    private static MachineSpec Machine(params SyncedFolder[] folders) => new(
        "dev", "/p", "/p/Disklessfile", 2, 1024,
        new DistroSpec("debian", null, null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
        new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
        new ShareSpec(ShareTransport.VirtioFs, 262144),
        folders, [], [], TimeSpan.FromMinutes(5));

    [Fact]
    public void The_root_comes_first_with_the_root_tag_and_synced_folders_follow_in_order()
    {
        var shares = SharePlanner.Plan(
            Machine(
                new SyncedFolder("/p", "/project", false, null, null, null),
                new SyncedFolder("/data", "/data", true, ShareTransport.NineP, "mapped-xattr", null)),
            "/var/lib/diskless/machines/abc/root",
            ShareTransport.VirtioFs);

        Assert.Equal(
            [
                new Share("rootfs", "/var/lib/diskless/machines/abc/root", "/", ShareTransport.VirtioFs, false, "passthrough", 262144),
                new Share("share0", "/p", "/project", ShareTransport.VirtioFs, false, "passthrough", 262144),
                new Share("share1", "/data", "/data", ShareTransport.NineP, true, "mapped-xattr", 262144),
            ],
            shares);
        Assert.True(shares[0].IsRoot);
        Assert.All(shares, s => Assert.False(s.Tag.StartsWith("/dev", StringComparison.Ordinal) || s.Tag.Contains('=', StringComparison.Ordinal)));
    }
}
