using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.Tests.Isolation;

public sealed class MachineIdMapsTests
{
    private static readonly HostIdentity Tester = new("diskless-tester", 2345, 2346);

    [Fact]
    public void A_user_gets_the_subordinate_ranges_with_its_own_uid_and_primary_gid_as_guest_1000()
    {
        var map = MachineIdMaps.ForUser(Tester, new SubordinateRange(165536, 65536), new SubordinateRange(265536, 65536));

        Assert.Equal(new IdMap(165536, 2345, 265536, 2346), map);
    }

    [Fact]
    public void A_user_without_a_uid_or_a_gid_range_gets_no_map()
    {
        Assert.Null(MachineIdMaps.ForUser(Tester, null, new SubordinateRange(265536, 65536)));
        Assert.Null(MachineIdMaps.ForUser(Tester, new SubordinateRange(165536, 65536), null));
    }

    [Fact]
    public void Root_without_subordinate_lines_uses_the_documented_foreign_range_and_the_project_owner()
    {
        var map = MachineIdMaps.ForRoot(new FileStatus(1500, 1501, (UnixFileMode)0b111_101_101), null, null);

        Assert.Equal(new IdMap(2147352576, 1500, 2147352576, 1501), map);
        Assert.Equal("0 2147352576 1000\n1000 1500 1\n1001 2147353577 64535\n", map.UidMapText);
    }

    [Fact]
    public void Root_with_its_own_subordinate_lines_uses_them()
    {
        var map = MachineIdMaps.ForRoot(new FileStatus(1500, 1500, default), new SubordinateRange(3000000, 65536), new SubordinateRange(4000000, 65536));

        Assert.Equal(new IdMap(3000000, 1500, 4000000, 1500), map);
    }

    [Fact]
    public void A_root_owned_project_never_maps_guest_1000_to_host_root()
    {
        var map = MachineIdMaps.ForRoot(new FileStatus(0, 0, default), null, null);

        Assert.Equal(2147352576 + 1000, map.ToHost(1000));
        Assert.Equal(2147352576 + 1000, map.ToHostGid(1000));
        Assert.DoesNotContain(map.UidRanges.Concat(map.GidRanges), r => r.Host == 0);
    }

    [Fact]
    public void A_project_owned_by_a_user_but_group_root_keeps_the_group_in_the_range()
    {
        var map = MachineIdMaps.ForRoot(new FileStatus(1500, 0, default), null, null);

        Assert.Equal(1500, map.ToHost(1000));
        Assert.Equal(2147352576 + 1000, map.ToHostGid(1000));
    }
}
