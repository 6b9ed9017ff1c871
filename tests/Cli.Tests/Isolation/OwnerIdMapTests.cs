using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>The idmapped mount's map that makes a root-run folder's unmapped owner the guest's user.</summary>
public sealed class OwnerIdMapTests
{
    private const long Range = MachineIdMaps.RootRangeStart;

    // The quick start: root runs Diskless on a root-owned checkout, so guest 1000 is the range's id 1000.
    private static readonly IdMap QuickStart = MachineIdMaps.ForRoot(new FileStatus(0, 0, (UnixFileMode)0b111_101_101), null, null);

    [Fact]
    public void The_quick_starts_root_owned_folder_shows_host_root_as_the_guest_user_and_keeps_guest_roots_ids()
    {
        var map = OwnerIdMap.For(QuickStart, 0, 0)!;

        Assert.Equal($"0 {Range + 1000} 1\n{Range} {Range} 1000\n{Range + 1001} {Range + 1001} 64535\n", map.UidMapText);
        Assert.Equal(map.UidMapText, map.GidMapText);
        // Composed with the machine's map: the owner's files are the guest user's, guest root's files land as itself.
        Assert.Equal(IdMap.GuestLoginId, QuickStart.ToGuest(Outside(map.Uids, 0)!.Value));
        Assert.Equal(0, QuickStart.ToGuest(Outside(map.Uids, Range)!.Value));
        Assert.Equal(IdMap.GuestLoginId, QuickStart.ToGuestGid(Outside(map.Gids, 0)!.Value));
        // The range's own id of the guest user has no on-disk id left: nothing maps onto it twice.
        Assert.Null(Outside(map.Uids, Range + 1000));
        AssertValidMap(map.Uids);
        AssertValidMap(map.Gids);
    }

    [Fact]
    public void A_folder_the_machine_already_maps_needs_no_idmapped_mount()
    {
        Assert.Null(OwnerIdMap.For(QuickStart, Range + 1000, Range + 1000));
        Assert.Null(OwnerIdMap.For(new IdMap(100000, 1500, 100000, 1600), 1500, 1600));
        // Another guest id's folder (guest uid 5) is that id's, not nobody's: left as it is.
        Assert.Null(OwnerIdMap.For(QuickStart, Range + 5, 0));
    }

    [Fact]
    public void A_root_owned_folder_in_a_users_project_becomes_that_users_and_a_mapped_group_stays_itself()
    {
        var alices = new IdMap(Range, 1500, Range, 1600);

        var map = OwnerIdMap.For(alices, 0, 1600)!;

        Assert.Equal($"0 1500 1\n{Range} {Range} 1000\n{Range + 1001} {Range + 1001} 64535\n", map.UidMapText);
        Assert.Equal($"{Range} {Range} 1000\n1600 1600 1\n{Range + 1001} {Range + 1001} 64535\n", map.GidMapText);
        AssertValidMap(map.Uids);
        AssertValidMap(map.Gids);
    }

    private static long? Outside(IEnumerable<IdRange> ranges, long inside) => ranges.Select(r => r.ToHost(inside)).FirstOrDefault(h => h is not null);

    // What the kernel demands of a map: no two lines overlap, inside or outside.
    private static void AssertValidMap(IReadOnlyList<IdRange> ranges)
    {
        foreach (var a in ranges)
        {
            foreach (var b in ranges.Where(r => !ReferenceEquals(r, a)))
            {
                Assert.False(a.Guest < b.Guest + b.Count && b.Guest < a.Guest + a.Count, $"inside ranges {a} and {b} overlap");
                Assert.False(a.Host < b.Host + b.Count && b.Host < a.Host + a.Count, $"outside ranges {a} and {b} overlap");
            }
        }
    }
}
