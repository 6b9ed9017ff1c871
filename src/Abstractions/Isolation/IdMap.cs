using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Diskless.Abstractions;

/// <summary>
/// How a machine's ids map to host ids in its user namespace. Guest 0…999 and 1001…65535 map onto a subordinate
/// range that no host user owns, so guest root is an unprivileged id on the host; guest 1000, the login user,
/// maps to the host user who owns the project, so synced folders are writable both ways with the right owner.
/// The range's id S+1000 stays unused: exactly 65536 subordinate ids are needed.
/// </summary>
/// <param name="SubordinateUidStart">The first host uid of the subordinate range (guest uid 0).</param>
/// <param name="LoginUid">The host uid guest uid 1000 maps to.</param>
/// <param name="SubordinateGidStart">The first host gid of the subordinate range (guest gid 0).</param>
/// <param name="LoginGid">The host gid guest gid 1000 maps to.</param>
public sealed record IdMap(long SubordinateUidStart, long LoginUid, long SubordinateGidStart, long LoginGid)
{
    /// <summary>The guest id of the login user, which maps to the host user.</summary>
    public const long GuestLoginId = 1000;

    /// <summary>How many guest ids the map covers (0…65535), and so how many subordinate ids it needs.</summary>
    public const long GuestIdCount = 65536;

    /// <summary>The three uid_map lines: 0…999, 1000, 1001…65535.</summary>
    [JsonIgnore]
    public IReadOnlyList<IdRange> UidRanges => Ranges(SubordinateUidStart, LoginUid);

    /// <summary>The three gid_map lines: 0…999, 1000, 1001…65535.</summary>
    [JsonIgnore]
    public IReadOnlyList<IdRange> GidRanges => Ranges(SubordinateGidStart, LoginGid);

    /// <summary>The text written to /proc/PID/uid_map (one write, one line per range).</summary>
    [JsonIgnore]
    public string UidMapText => Text(UidRanges);

    /// <summary>The text written to /proc/PID/gid_map.</summary>
    [JsonIgnore]
    public string GidMapText => Text(GidRanges);

    /// <summary>
    /// A short stable name of this mapping. A tree's file owners are host ids, so a tree built under one mapping
    /// is a different tree under another: the fingerprint belongs in every cache key of a built root.
    /// </summary>
    [JsonIgnore]
    public string Fingerprint
    {
        get
        {
            var canonical = "uid " + UidMapText + "gid " + GidMapText;
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..12];
        }
    }

    /// <summary>The host uid of guest uid <paramref name="guestUid"/>; null when the map does not cover it.</summary>
    public long? ToHost(long guestUid) => UidRanges.Select(r => r.ToHost(guestUid)).FirstOrDefault(h => h is not null);

    /// <summary>The host gid of guest gid <paramref name="guestGid"/>; null when the map does not cover it.</summary>
    public long? ToHostGid(long guestGid) => GidRanges.Select(r => r.ToHost(guestGid)).FirstOrDefault(h => h is not null);

    /// <summary>The guest uid host uid <paramref name="hostUid"/> appears as; null when the map does not cover it (the guest sees nobody).</summary>
    public long? ToGuest(long hostUid) => UidRanges.Select(r => r.ToGuest(hostUid)).FirstOrDefault(g => g is not null);

    /// <summary>The guest gid host gid <paramref name="hostGid"/> appears as; null when the map does not cover it.</summary>
    public long? ToGuestGid(long hostGid) => GidRanges.Select(r => r.ToGuest(hostGid)).FirstOrDefault(g => g is not null);

    private static IdRange[] Ranges(long start, long login) =>
    [
        new(0, start, GuestLoginId),
        new(GuestLoginId, login, 1),
        new(GuestLoginId + 1, start + GuestLoginId + 1, GuestIdCount - GuestLoginId - 1),
    ];

    private static string Text(IEnumerable<IdRange> ranges) => string.Concat(ranges.Select(r => r + "\n"));
}
