using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>Chooses a machine's <see cref="IdMap"/> for the host user who runs Diskless.</summary>
public static class MachineIdMaps
{
    /// <summary>
    /// Root's subordinate range when /etc/subuid has no "root" line: 0x7FFE0000, systemd's "foreign" range, documented
    /// never to belong to a host user and outside useradd's SUB_UID_MIN…SUB_UID_MAX, so no allocated range collides.
    /// </summary>
    public const long RootRangeStart = 2147352576;

    /// <summary>
    /// An ordinary user's map: guest ids on the user's subordinate ranges, guest 1000 on the user's own uid and
    /// primary gid. Null when either file has no range of 65536 ids for the user (see <see cref="UserNamespacePrerequisites"/>).
    /// </summary>
    public static IdMap? ForUser(HostIdentity user, SubordinateRange? subuid, SubordinateRange? subgid)
    {
        ArgumentNullException.ThrowIfNull(user);
        return subuid is null || subgid is null ? null : new IdMap(subuid.Start, user.Uid, subgid.Start, user.Gid);
    }

    /// <summary>
    /// Root's map: root's own subordinate ranges if it has them, else <see cref="RootRangeStart"/>; guest 1000 on the
    /// project folder's owner and group. When those are root, guest 1000 stays in the range like every other guest
    /// id: mapping it to host root would make the guest login user host root (the synced folder is then not
    /// writable by the guest user).
    /// </summary>
    public static IdMap ForRoot(FileStatus projectFolder, SubordinateRange? subuid, SubordinateRange? subgid)
    {
        ArgumentNullException.ThrowIfNull(projectFolder);
        var uidStart = subuid?.Start ?? RootRangeStart;
        var gidStart = subgid?.Start ?? RootRangeStart;
        return new IdMap(
            uidStart,
            projectFolder.Uid == 0 ? uidStart + IdMap.GuestLoginId : projectFolder.Uid,
            gidStart,
            projectFolder.Gid == 0 ? gidStart + IdMap.GuestLoginId : projectFolder.Gid);
    }

    /// <summary>The map for <paramref name="identity"/> from the host's /etc/subuid and /etc/subgid; null for a user without ranges.</summary>
    public static IdMap? ForHost(HostIdentity identity, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var subuid = SubordinateIds.Read(SubordinateIds.UidFile, identity.Name, identity.Uid);
        var subgid = SubordinateIds.Read(SubordinateIds.GidFile, identity.Name, identity.Uid);
        if (!identity.IsRoot)
        {
            return ForUser(identity, subuid, subgid);
        }

        var folder = FileStatus.Read(projectDirectory) ?? throw new DirectoryNotFoundException($"the project folder {projectDirectory} does not exist");
        return ForRoot(folder, subuid, subgid);
    }
}
