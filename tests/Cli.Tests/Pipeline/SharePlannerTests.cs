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
            ShareTransport.VirtioFs,
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

    [Fact]
    public void Under_a_9p_root_a_synced_folder_that_names_no_transport_takes_the_providers_default_not_the_roots()
    {
        var shares = SharePlanner.Plan(Machine(new SyncedFolder("/p", "/project", false, null, null, null)), "/r", ShareTransport.NineP, ShareTransport.VirtioFs);

        Assert.Equal(ShareTransport.NineP, shares[0].Transport);
        Assert.Equal(ShareTransport.VirtioFs, shares[1].Transport);
    }

    [Fact]
    public void A_writable_folder_that_ends_on_9p_keeps_the_guests_modes_in_xattrs_and_a_read_only_one_passes_them_through()
    {
        var shares = SharePlanner.Plan(
            Machine(
                new SyncedFolder("/p", "/project", false, null, null, null),
                new SyncedFolder("/d", "/data", true, null, null, null),
                new SyncedFolder("/e", "/explicit", false, ShareTransport.NineP, null, null)),
            "/r",
            ShareTransport.NineP,
            ShareTransport.NineP);

        Assert.Equal(["mapped-xattr", "passthrough", "mapped-xattr"], shares.Skip(1).Select(s => s.NinePSecurityModel));
    }

    [Fact]
    public void A_folder_that_names_a_9p_security_model_but_no_transport_is_served_over_9p()
    {
        var shares = SharePlanner.Plan(Machine(new SyncedFolder("/d", "/data", true, null, "none", null)), "/r", ShareTransport.VirtioFs, ShareTransport.VirtioFs);

        Assert.Equal((ShareTransport.NineP, "none"), (shares[1].Transport, shares[1].NinePSecurityModel));
    }

    [Fact]
    public void A_virtiofs_root_of_a_provider_that_serves_home_apart_gets_its_home_share_last_with_the_roots_folder()
    {
        var shares = SharePlanner.Plan(Machine(new SyncedFolder("/p", "/project", false, null, null, null)), "/m/root", ShareTransport.VirtioFs, ShareTransport.VirtioFs, homeApart: true);

        Assert.Equal(["rootfs", "share0", "home"], shares.Select(s => s.Tag));
        Assert.Equal(new Share("home", "/m/root/home", "/home", ShareTransport.VirtioFs, PartOfRoot: true), shares[2]);
        Assert.True(shares[2].IsGuestTree);
        Assert.False(shares[2].IsRoot);
        Assert.False(shares[1].IsGuestTree);
    }

    [Theory]
    [InlineData(ShareTransport.NineP, true, "/project")]
    [InlineData(ShareTransport.VirtioFs, false, "/project")]
    [InlineData(ShareTransport.VirtioFs, true, "/home")]
    [InlineData(ShareTransport.VirtioFs, true, "/home/")]
    public void No_home_share_over_a_9p_root_for_a_provider_without_one_or_where_a_synced_folder_is_home(ShareTransport root, bool homeApart, string folder)
    {
        var shares = SharePlanner.Plan(Machine(new SyncedFolder("/p", folder, false, null, null, null)), "/m/root", root, ShareTransport.VirtioFs, homeApart);

        Assert.DoesNotContain(shares, s => s.Tag == Share.HomeTag || s.PartOfRoot);
        Assert.Equal(2, shares.Count);
    }
}
