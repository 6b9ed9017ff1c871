using Diskless.Abstractions;

namespace Diskless.Abstractions.Tests;

public sealed class IdMapTests
{
    // diskless-tester's range on the test host: 165536:65536, uid and gid 2345.
    private static readonly IdMap User = new(165536, 2345, 165536, 2345);

    [Fact]
    public void The_three_lines_put_guest_1000_on_the_host_user_and_everything_else_on_the_range()
    {
        Assert.Equal(["0 165536 1000", "1000 2345 1", "1001 166537 64535"], User.UidRanges.Select(r => r.ToString()));
        Assert.Equal("0 165536 1000\n1000 2345 1\n1001 166537 64535\n", User.UidMapText);
    }

    [Fact]
    public void Gid_lines_use_the_gid_range_and_the_login_gid()
    {
        var map = new IdMap(100000, 1500, 300000, 1600);

        Assert.Equal("0 300000 1000\n1000 1600 1\n1001 301001 64535\n", map.GidMapText);
        Assert.Equal("0 100000 1000\n1000 1500 1\n1001 101001 64535\n", map.UidMapText);
        Assert.Equal(301234, map.ToHostGid(1234));
    }

    [Fact]
    public void The_map_covers_exactly_65536_guest_ids_and_leaves_the_ranges_id_1000_unused()
    {
        Assert.Equal(IdMap.GuestIdCount, User.UidRanges.Sum(r => r.Count));
        var hostIds = Enumerable.Range(0, 65536).Select(g => User.ToHost(g)!.Value).ToHashSet();
        Assert.Equal(65536, hostIds.Count);
        Assert.DoesNotContain(165536 + 1000, hostIds);
        Assert.All(hostIds.Where(h => h != 2345), h => Assert.InRange(h, 165536, 165536 + 65535));
    }

    [Theory]
    [InlineData(0, 165536)]
    [InlineData(999, 166535)]
    [InlineData(1000, 2345)]
    [InlineData(1001, 166537)]
    [InlineData(65534, 231070)]
    [InlineData(65535, 231071)]
    public void ToHost_maps_guest_uids(long guest, long host) => Assert.Equal(host, User.ToHost(guest));

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(4294967294)]
    public void Guest_ids_outside_the_map_have_no_host_id(long guest) => Assert.Null(User.ToHost(guest));

    [Fact]
    public void The_fingerprint_is_stable_short_and_differs_for_every_part_of_the_mapping()
    {
        Assert.Equal(User.Fingerprint, new IdMap(165536, 2345, 165536, 2345).Fingerprint);
        Assert.Matches("^[0-9a-f]{12}$", User.Fingerprint);

        IdMap[] others =
        [
            User with { SubordinateUidStart = 100000 },
            User with { LoginUid = 1500 },
            User with { SubordinateGidStart = 100000 },
            User with { LoginGid = 1500 },
        ];
        var all = others.Select(m => m.Fingerprint).Append(User.Fingerprint).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void ToGuest_inverts_ToHost_over_every_guest_id_and_knows_nothing_outside_the_map()
    {
        Assert.All(Enumerable.Range(0, 65536), g => Assert.Equal(g, User.ToGuest(User.ToHost(g)!.Value)));
        Assert.Null(User.ToGuest(0));
        Assert.Null(User.ToGuest(165536 + 1000));
        Assert.Null(User.ToGuest(165536 + 65536));
        var split = new IdMap(100000, 1500, 300000, 1600);
        Assert.Equal(1000, split.ToGuestGid(1600));
        Assert.Equal(42, split.ToGuestGid(300042));
        Assert.Null(split.ToGuestGid(100042));
    }

    [Fact]
    public void A_record_of_the_map_round_trips_through_json_as_its_four_numbers()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(User);

        Assert.Equal(User, System.Text.Json.JsonSerializer.Deserialize<IdMap>(json));
        Assert.DoesNotContain("Fingerprint", json, StringComparison.Ordinal);
        Assert.DoesNotContain("UidRanges", json, StringComparison.Ordinal);
    }
}
