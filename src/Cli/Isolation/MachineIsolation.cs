using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Decides how a machine is isolated, once, when it is created: in its own user namespace with an <see cref="IdMap"/>
/// when its provider can run it so (whoever runs Diskless, root included: the guest's root is never host root), with
/// a host-owned root otherwise. The prerequisites are checked here, before anything is built, so a missing
/// subordinate range reads as that, with its fix, and not as a tool failing deep inside a base build.
/// </summary>
public sealed class MachineIsolation(IIsolationProbe probe, Lazy<HostIdentity> identity)
{
    /// <summary>The isolation of a host with <paramref name="probe"/>, for <paramref name="identity"/>.</summary>
    public MachineIsolation(IIsolationProbe probe, HostIdentity identity)
        : this(probe, new Lazy<HostIdentity>(identity))
    {
    }

    /// <summary>
    /// The isolation of the host Diskless runs on, as the process that runs it; who that is is read when first asked
    /// (its name costs a name-service lookup that a command reading a machine not created, status, need not make).
    /// </summary>
    public static MachineIsolation ForThisHost() => new(new HostIsolationProbe(), new Lazy<HostIdentity>(HostIdentity.Current));

    /// <summary>Who runs Diskless.</summary>
    public HostIdentity Identity => identity.Value;

    /// <summary>
    /// What keeps this host from running machines of <paramref name="providers"/> in user namespaces, each with the
    /// command that fixes it; empty when nothing does (or no provider uses them).
    /// </summary>
    public IReadOnlyList<DisklessException> HostProblems(IEnumerable<IProvider> providers) =>
        providers.Any(p => p.Capabilities.UserNamespace) ? new UserNamespacePrerequisites(probe).FindProblems(Identity) : [];

    /// <summary>The map for a new machine of <paramref name="provider"/> in <paramref name="projectDirectory"/>; null when its root is host-owned.</summary>
    public IdMap? ChooseMap(IProvider provider, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (!provider.Capabilities.UserNamespace)
        {
            return null;
        }

        new UserNamespacePrerequisites(probe).EnsureMet(Identity);
        if (Identity.IsRoot && probe.Status(projectDirectory) is null)
        {
            throw new DisklessException($"the project folder {projectDirectory} does not exist");
        }

        // EnsureMet has already explained a missing range; this is only reached with both.
        return CurrentMap(projectDirectory)
            ?? throw new DisklessException($"{Identity.Name} has no subordinate id range of {IdMap.GuestIdCount} ids", null, ExitCodes.NotAvailable);
    }

    /// <summary>
    /// This isolation for a machine whose project folder <paramref name="projectDirectory"/> is gone (an orphan): root's
    /// maps take the project folder's owner as the guest user's host id, and <paramref name="formerOwner"/> (the login ids
    /// its record kept) stands in for it; the rest of the map is derived afresh, as always.
    /// </summary>
    public MachineIsolation ForGoneProject(string projectDirectory, long formerOwnerUid, long formerOwnerGid) =>
        new(new GoneFolderProbe(probe, projectDirectory, new FileStatus(formerOwnerUid, formerOwnerGid, (UnixFileMode)0b111_101_101)), identity);

    /// <summary>
    /// The map this host gives a machine of <paramref name="projectDirectory"/> now, derived afresh from /etc/subuid and
    /// /etc/subgid (and, for root, the project folder's owner): what a recorded map must equal before anything acts
    /// on it, since a record is data, not authority. Null when the host gives none (no range, no project folder).
    /// </summary>
    public IdMap? CurrentMap(string projectDirectory)
    {
        var subuid = SubordinateIds.Find(Lines(SubordinateIds.UidFile), Identity.Name, Identity.Uid);
        var subgid = SubordinateIds.Find(Lines(SubordinateIds.GidFile), Identity.Name, Identity.Uid);
        if (!Identity.IsRoot)
        {
            return MachineIdMaps.ForUser(Identity, subuid, subgid);
        }

        return probe.Status(projectDirectory) is { } folder ? MachineIdMaps.ForRoot(folder, subuid, subgid) : null;
    }

    /// <summary>
    /// What the guest's user cannot use as its own: each synced folder whose owner is not the host id the guest
    /// user maps to. The guest sees such a folder owned by nobody, and writes there fail unless its mode lets anybody
    /// write.
    /// </summary>
    /// <param name="machine">The machine.</param>
    /// <param name="map">Its id map.</param>
    /// <param name="ownerMapped">The folders served through an idmapped mount (<see cref="OwnerMappedFolders"/>): theirs is the guest user's.</param>
    /// <param name="notMapped">The folders Diskless tried to idmap and could not, with why: the warning says so.</param>
    public IReadOnlyList<string> UnmappedSyncedFolders(
        MachineSpec machine, IdMap map, IReadOnlyList<OwnerMappedFolder>? ownerMapped = null, IReadOnlyList<(OwnerMappedFolder Folder, string Reason)>? notMapped = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(map);
        var warnings = new List<string>();
        foreach (var folder in machine.SyncedFolders.Where(f => !f.ReadOnly))
        {
            if (probe.Status(folder.HostPath) is not { } status || status.Uid == map.LoginUid
                || (ownerMapped ?? []).Any(m => IsIn(folder.HostPath, m.HostPath)))
            {
                continue;
            }

            var owner = map.ToGuest(status.Uid) is { } guest
                ? $"guest uid {guest}, not the guest's user (uid {IdMap.GuestLoginId})"
                : "nobody in the guest";
            var why = (notMapped ?? []).FirstOrDefault(f => f.Folder.HostPath == folder.HostPath) is { Reason: { } reason }
                ? $" Diskless could not idmap it to the guest's user: {reason}."
                : "";
            warnings.Add(
                $"the synced folder {folder.HostPath} belongs to host uid {status.Uid}, which is {owner}: the guest's user cannot write to {folder.GuestPath}.{why} "
                + (Identity.IsRoot
                    ? $"Give it to the project's owner (chown -R {map.LoginUid}:{map.LoginGid} {folder.HostPath}) to make it writable."
                    : $"Give it to yourself (chown -R {Identity.Uid}:{Identity.Gid} {folder.HostPath}) to make it writable."));
        }

        return warnings;
    }

    /// <summary>
    /// The synced folders root serves through an idmapped bind of themselves (<see cref="OwnerIdMap"/>): for root only
    /// (only host root may idmap a host filesystem), each folder over virtiofs whose owner the machine leaves unmapped,
    /// a root-owned checkout above all. Not over 9p: QEMU serves it keeping guest root's capabilities, which would let
    /// the guest rewrite a setuid file of the owner's there without losing the bit; nor a folder a 9p folder overlaps,
    /// which QEMU would then reach through the mapping. A folder inside another mapped one is seen through the outer's
    /// mapping (an idmapped mount cannot be idmapped again).
    /// </summary>
    /// <param name="machine">The machine.</param>
    /// <param name="map">Its id map.</param>
    /// <param name="folderTransport">How a synced folder that names no transport reaches the guest (the provider's default).</param>
    public IReadOnlyList<OwnerMappedFolder> OwnerMappedFolders(MachineSpec machine, IdMap map, ShareTransport folderTransport)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(map);
        if (!Identity.IsRoot)
        {
            return [];
        }

        var ninePFolders = machine.SyncedFolders.Where(f => TransportOf(f, folderTransport) == ShareTransport.NineP).Select(f => f.HostPath).ToList();
        var mapped = new List<OwnerMappedFolder>();
        foreach (var folder in machine.SyncedFolders.OrderBy(f => f.HostPath.Length))
        {
            if (TransportOf(folder, folderTransport) != ShareTransport.VirtioFs
                || mapped.Any(m => IsIn(folder.HostPath, m.HostPath))
                || ninePFolders.Any(p => IsIn(p, folder.HostPath) || IsIn(folder.HostPath, p))
                || probe.Status(folder.HostPath) is not { } status
                || OwnerIdMap.For(map, status.Uid, status.Gid) is not { } ownerMap)
            {
                continue;
            }

            mapped.Add(new OwnerMappedFolder(folder.HostPath, status.Uid, status.Gid, ownerMap));
        }

        return mapped;
    }

    /// <summary>
    /// The first folder the machine's guest root cannot reach, as an error that says which and how to open it; null
    /// when every synced folder is reachable. virtiofsd and QEMU open synced folders by path as guest root, an
    /// unprivileged host id: every folder above one must let others pass (o+x) or belong to an id the map covers
    /// (over whose files guest root has the namespace's DAC override) — a root-owned 0700 home does neither.
    /// </summary>
    public DisklessException? UnreachableFolder(MachineSpec machine, IdMap map)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(map);
        foreach (var folder in machine.SyncedFolders)
        {
            for (var parent = Path.GetDirectoryName(Path.GetFullPath(folder.HostPath)); parent is not null; parent = Path.GetDirectoryName(parent))
            {
                if (probe.Status(parent) is not { } status
                    || status.Mode.HasFlag(UnixFileMode.OtherExecute)
                    || (map.ToGuest(status.Uid) is not null && map.ToGuestGid(status.Gid) is not null))
                {
                    continue;
                }

                return new DisklessException(
                    $"the machine cannot reach the synced folder {folder.HostPath}: {parent} (mode {Octal(status.Mode)}, owner {status.Uid}) lets no one else pass, "
                    + $"and the machine's QEMU and virtiofsd run as host uid {map.SubordinateUidStart}, not as {Identity.Name}",
                    $"let others pass through it (chmod o+x {parent}), or keep the project in a folder they may pass (say /srv or /home)",
                    ExitCodes.NotAvailable);
            }
        }

        return null;
    }

    private static ShareTransport TransportOf(SyncedFolder folder, ShareTransport folderTransport) => Pipeline.SharePlanner.TransportOf(folder, folderTransport);

    private static bool IsIn(string path, string folder)
    {
        var (p, f) = (Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return p == f || p.StartsWith(f + "/", StringComparison.Ordinal) || f == "/";
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    private string[] Lines(string file) => (probe.ReadText(file) ?? "").Split('\n');
}
