using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// The id map of an idmapped mount that makes a synced folder's owner the guest's user. When root runs Diskless on a
/// folder whose owner the machine's <see cref="IdMap"/> leaves unmapped (a root-owned checkout: host uid 0 is nobody in
/// the guest), the folder is served through a bind of itself idmapped with this map: its owner's files appear as the
/// host id guest 1000 maps to, and what the guest's user creates there lands as the owner's on the host. Every other
/// id the machine maps (the subordinate range: guest root's files) stays itself; ids the machine does not map stay
/// unmapped. Pure.
/// </summary>
/// <param name="Uids">The uid_map lines of the mount's user namespace: on-disk uid (inside) to the uid it appears as (outside).</param>
/// <param name="Gids">The gid_map lines, the same way.</param>
public sealed record OwnerIdMap(IReadOnlyList<IdRange> Uids, IReadOnlyList<IdRange> Gids)
{
    /// <summary>The text written to the mount's namespace's uid_map (one write).</summary>
    public string UidMapText => string.Concat(Uids.Select(r => r + "\n"));

    /// <summary>The text written to its gid_map.</summary>
    public string GidMapText => string.Concat(Gids.Select(r => r + "\n"));

    /// <summary>
    /// The map for a folder of owner <paramref name="folderUid"/>:<paramref name="folderGid"/> under <paramref name="map"/>;
    /// null when the machine already maps the owner (the folder is the guest user's, or another guest id's: nothing to do).
    /// The folder's group becomes the guest user's group the same way when the machine leaves it unmapped.
    /// </summary>
    public static OwnerIdMap? For(IdMap map, long folderUid, long folderGid)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.ToGuest(folderUid) is not null)
        {
            return null;
        }

        return new OwnerIdMap(
            [new IdRange(folderUid, map.LoginUid, 1), .. Identity(map.UidRanges)],
            map.ToGuestGid(folderGid) is null
                ? [new IdRange(folderGid, map.LoginGid, 1), .. Identity(map.GidRanges)]
                : [.. map.GidRanges.Select(r => new IdRange(r.Host, r.Host, r.Count))]);
    }

    /// <summary>Two maps are equal when they map the same ids (records compare lists by reference).</summary>
    public bool Equals(OwnerIdMap? other) => other is not null && UidMapText == other.UidMapText && GidMapText == other.GidMapText;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(UidMapText, GidMapText);

    /// <summary>For progress output: "host uid 0 appears as 2147353576".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"host uid {Uids[0].Guest} appears as {Uids[0].Host}");

    // The machine's own ids other than the guest user's: its place goes to the folder's owner.
    private static IEnumerable<IdRange> Identity(IReadOnlyList<IdRange> ranges) =>
        ranges.Where(r => r.Guest != IdMap.GuestLoginId).Select(r => new IdRange(r.Host, r.Host, r.Count));
}
