using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.Tests.Isolation;

/// <summary>Which synced folders root serves through an idmapped bind, and what up then warns about.</summary>
public sealed class OwnerMappedFoldersTests
{
    private static readonly HostIdentity Root = new("root", 0, 0);
    private static readonly UnixFileMode Open = (UnixFileMode)0b111_101_101;
    private readonly FakeIsolationProbe _probe = new();

    public OwnerMappedFoldersTests()
    {
        _probe.Statuses["/srv/quick"] = new FileStatus(0, 0, Open);
        _probe.Statuses["/srv/quick/sub"] = new FileStatus(0, 0, Open);
        _probe.Statuses["/srv/theirs"] = new FileStatus(0, 0, Open);
    }

    private static IdMap QuickStartMap => MachineIdMaps.ForRoot(new FileStatus(0, 0, Open), null, null);

    private static MachineSpec Machine(params SyncedFolder[] folders) =>
        new(
            "dev", "/srv/quick", "/srv/quick/Disklessfile", 1, 512,
            new DistroSpec("fake", "one", null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
            new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), null),
            new ShareSpec(null), folders, [], [], TimeSpan.FromSeconds(20));

    private static SyncedFolder Folder(string host, ShareTransport? transport = null, string? securityModel = null) =>
        new(host, "/g" + host.Replace('/', '-'), false, transport, securityModel, null);

    [Fact]
    public void Root_maps_a_root_owned_folder_over_virtiofs_to_the_guest_user_and_up_warns_of_nothing()
    {
        var isolation = new MachineIsolation(_probe, Root);
        var machine = Machine(Folder("/srv/quick"));

        var mapped = isolation.OwnerMappedFolders(machine, QuickStartMap, ShareTransport.VirtioFs);

        var folder = Assert.Single(mapped);
        Assert.Equal(("/srv/quick", 0L, 0L), (folder.HostPath, folder.Uid, folder.Gid));
        Assert.Equal(OwnerIdMap.For(QuickStartMap, 0, 0), folder.Map);
        Assert.Empty(isolation.UnmappedSyncedFolders(machine, QuickStartMap, mapped));
        // Without the mount, the quick start's warning.
        Assert.Contains("nobody in the guest", Assert.Single(isolation.UnmappedSyncedFolders(machine, QuickStartMap)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_could_not_be_mapped_keeps_its_warning_with_the_reason()
    {
        var isolation = new MachineIsolation(_probe, Root);
        var machine = Machine(Folder("/srv/quick"));
        var mapped = isolation.OwnerMappedFolders(machine, QuickStartMap, ShareTransport.VirtioFs);

        var warning = Assert.Single(isolation.UnmappedSyncedFolders(machine, QuickStartMap, [], [(mapped[0], "idmap a bind of /srv/quick (mount_setattr): Invalid argument")]));

        Assert.Contains("nobody in the guest", warning, StringComparison.Ordinal);
        Assert.Contains("Diskless could not idmap it to the guest's user: idmap a bind of /srv/quick (mount_setattr): Invalid argument.", warning, StringComparison.Ordinal);
        Assert.Contains($"chown -R {MachineIdMaps.RootRangeStart + 1000}:{MachineIdMaps.RootRangeStart + 1000} /srv/quick", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ordinary_user_maps_nothing_only_host_root_may_idmap()
    {
        var isolation = new MachineIsolation(_probe, new HostIdentity("dltest", 1500, 1600));

        Assert.Empty(isolation.OwnerMappedFolders(Machine(Folder("/srv/quick")), new IdMap(100000, 1500, 100000, 1600), ShareTransport.VirtioFs));
    }

    [Fact]
    public void Folders_over_9p_and_folders_a_9p_folder_overlaps_are_not_mapped()
    {
        var isolation = new MachineIsolation(_probe, Root);

        Assert.Empty(isolation.OwnerMappedFolders(Machine(Folder("/srv/quick")), QuickStartMap, ShareTransport.NineP));
        Assert.Empty(isolation.OwnerMappedFolders(Machine(Folder("/srv/quick", securityModel: "mapped-xattr")), QuickStartMap, ShareTransport.VirtioFs));
        var overlapped = isolation.OwnerMappedFolders(
            Machine(Folder("/srv/quick", ShareTransport.VirtioFs), Folder("/srv/quick/sub", ShareTransport.NineP), Folder("/srv/theirs")), QuickStartMap, ShareTransport.VirtioFs);
        Assert.Equal(["/srv/theirs"], overlapped.Select(f => f.HostPath));
    }

    [Fact]
    public void A_folder_inside_a_mapped_one_is_seen_through_the_outer_mapping_and_a_mapped_owner_needs_none()
    {
        _probe.Statuses["/srv/mine"] = new FileStatus(MachineIdMaps.RootRangeStart + 1000, MachineIdMaps.RootRangeStart + 1000, Open);
        var isolation = new MachineIsolation(_probe, Root);
        var machine = Machine(Folder("/srv/quick/sub"), Folder("/srv/quick"), Folder("/srv/mine"));

        var mapped = isolation.OwnerMappedFolders(machine, QuickStartMap, ShareTransport.VirtioFs);

        Assert.Equal(["/srv/quick"], mapped.Select(f => f.HostPath));
        Assert.Empty(isolation.UnmappedSyncedFolders(machine, QuickStartMap, mapped));
    }
}
