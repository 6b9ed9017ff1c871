using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Isolation;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// Which machines get a user namespace and when it is open: a provider that runs machines in one gets an id map for
/// every new machine, chosen once and recorded; the namespace is open from before the base is built until after the
/// last recovery, and every plugin call in between acts through it. Fake plugins and namespaces; real files.
/// </summary>
public sealed class MachineNamespaceTests : IDisposable
{
    private static readonly HostIdentity Alice = new("dltest", 1500, 1600);

    private readonly PipelineSandbox _sandbox = new();
    private readonly FakeIsolationProbe _probe = new();
    private readonly FakeMachineNamespaces _namespaces = new();

    public MachineNamespaceTests() =>
        _sandbox.Provider.Capabilities = _sandbox.Provider.Capabilities with { UserNamespace = true };

    public void Dispose() => _sandbox.Dispose();

    /// <summary>Runs up until the provider is asked to start (the rest needs a guest); returns the record as saved then.</summary>
    private async Task<MachineRecord> UpUntilStartAsync(LifecycleServices? services = null)
    {
        MachineRecord? saved = null;
        _sandbox.Provider.OnStart = _ =>
        {
            _namespaces.Events.Add("start");
            saved = MachineRecordStore.LoadAsync(_sandbox.StateDirectory, CancellationToken.None).GetAwaiter().GetResult();
            throw new StartReachedException();
        };
        await Assert.ThrowsAsync<StartReachedException>(() => UpHandler.RunAsync(services ?? Services(), null, new UpOptions(), CancellationToken.None));
        return saved!;
    }

    private sealed class StartReachedException : Exception;

    private LifecycleServices Services(HostIdentity? identity = null) => _sandbox.Services() with
    {
        Isolation = new MachineIsolation(_probe, identity ?? Alice),
        Namespaces = _namespaces,
    };

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_new_machine_gets_the_users_map_and_every_plugin_call_of_up_acts_through_its_namespace()
    {
        var record = await UpUntilStartAsync();

        Assert.Equal(new IdMap(100000, 1500, 100000, 1600), record.IdMap);
        var opened = Assert.Single(_namespaces.Opened);
        Assert.Equal(record.IdMap, opened.Map);
        // Open before the base is built, closed after the failed first up's recovery removed the root through it.
        Assert.Equal(["open 100000:1500", "start", "close"], _namespaces.Events);
        Assert.Contains(opened.Entered, c => c.FileName == "rm");
        Assert.Equal(["build one", "configure dev rootfs:NineP"], _sandbox.Distro.Calls);
        Assert.All(_sandbox.Distro.Hosts, h => Assert.Same(opened, h.Namespace));
        Assert.Same(opened, Assert.Single(_sandbox.Provider.StartHosts).Namespace);
        // The clone of the base is the namespace's work too: guest root copies a tree of subordinate ids.
        Assert.Contains(opened.Entered, c => c.FileName == "cp");
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task The_recorded_map_is_used_when_it_is_the_one_this_host_derives()
    {
        var recorded = new IdMap(100000, 1500, 100000, 1600);
        await _sandbox.CreatedMachineAsync(r => r with { IdMap = recorded });

        await UpUntilStartAsync();

        Assert.Equal(recorded, Assert.Single(_namespaces.Opened).Map);
        Assert.Same(_namespaces.Opened[0], Assert.Single(_sandbox.Provider.StartHosts).Namespace);
        Assert.Equal(["open 100000:1500", "start", "close"], _namespaces.Events);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_recorded_map_other_than_the_one_this_host_derives_is_refused_before_anything_opens_or_starts()
    {
        // An edited record (or a changed /etc/subuid): a record is data, and a map decides who guest root is on the host.
        await _sandbox.CreatedMachineAsync(r => r with { IdMap = new IdMap(0, 1500, 0, 1600) });

        var error = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None));

        Assert.Equal(ExitCodes.WrongMachineState, error.ExitCode);
        Assert.Contains("from 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("from 100000", error.Message, StringComparison.Ordinal);
        Assert.Empty(_namespaces.Events);
        Assert.Empty(_sandbox.Provider.Calls);
        Assert.Empty(_sandbox.Distro.Calls);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Up_stops_before_building_anything_when_the_user_has_no_subordinate_range_and_says_how_to_get_one()
    {
        _probe.Files[SubordinateIds.UidFile] = "someone-else:100000:65536\n";

        var error = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None));

        Assert.Contains("dltest has no subordinate uids", error.Message, StringComparison.Ordinal);
        Assert.Contains("usermod --add-subuids", error.Hint, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Distro.Calls);
        Assert.Empty(_namespaces.Events);
        Assert.False(File.Exists(Path.Combine(_sandbox.StateDirectory, "machine.json")));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Root_gets_the_documented_range_with_the_project_owner_as_the_guest_user()
    {
        _probe.Statuses[_sandbox.Project] = new FileStatus(1500, 1600, (UnixFileMode)0b111_101_101);

        var record = await UpUntilStartAsync(Services(new HostIdentity("root", 0, 0)));

        Assert.Equal(new IdMap(MachineIdMaps.RootRangeStart, 1500, MachineIdMaps.RootRangeStart, 1600), record.IdMap);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_provider_without_user_namespaces_keeps_host_owned_roots_and_opens_none()
    {
        _sandbox.Provider.Capabilities = _sandbox.Provider.Capabilities with { UserNamespace = false };

        var record = await UpUntilStartAsync();

        Assert.Null(record.IdMap);
        Assert.Equal(["start"], _namespaces.Events);
        Assert.Null(Assert.Single(_sandbox.Provider.StartHosts).Namespace);
        Assert.All(_sandbox.Distro.Hosts, h => Assert.Null(h.Namespace));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_failed_first_up_closes_the_namespace_only_after_its_root_was_removed()
    {
        _sandbox.Distro.FailConfigure = new DisklessException("configure broke");

        await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None));

        var opened = Assert.Single(_namespaces.Opened);
        Assert.Equal("close", _namespaces.Events[^1]);
        Assert.Contains(opened.Entered, c => c.FileName == "rm");
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.Paths.MachinesDirectory));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Destroy_removes_the_root_through_the_machines_namespace()
    {
        await _sandbox.CreatedMachineAsync(r => r with { IdMap = new IdMap(100000, 1500, 100000, 1600) });

        await DestroyHandler.RunAsync(Services(), null, force: true, TextReader.Null, interactive: false, CancellationToken.None);

        Assert.Equal(["open 100000:1500", "close"], _namespaces.Events);
        Assert.Contains(_namespaces.Opened[^1].Entered, c => c.FileName == "rm");
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.Paths.MachinesDirectory));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Up_warns_about_a_writable_synced_folder_that_is_not_the_guest_users()
    {
        var theirs = Directory.CreateDirectory(Path.Combine(_sandbox.Project, "theirs")).FullName;
        var mine = Directory.CreateDirectory(Path.Combine(_sandbox.Project, "mine")).FullName;
        _probe.Statuses[theirs] = new FileStatus(0, 0, (UnixFileMode)0b111_101_101);
        _probe.Statuses[mine] = new FileStatus(1500, 1600, (UnixFileMode)0b111_101_101);
        var machine = _sandbox.Machine("dev") with
        {
            SyncedFolders = [new SyncedFolder(theirs, "/theirs", false, null, null, null), new SyncedFolder(mine, "/mine", false, null, null, null)],
        };
        var services = Services() with { Project = new ProjectSpec(Path.Combine(_sandbox.Project, "Disklessfile"), _sandbox.Project, [machine]) };

        await UpUntilStartAsync(services);

        var warning = Assert.Single(_sandbox.Progress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("synced folder", StringComparison.Ordinal));
        Assert.Contains($"the synced folder {theirs} belongs to host uid 0, which is nobody in the guest", warning, StringComparison.Ordinal);
        Assert.Contains("cannot write to /theirs", warning, StringComparison.Ordinal);
        Assert.Contains("chown -R 1500:1600", warning, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task As_root_a_root_owned_folder_over_virtiofs_is_idmapped_in_the_namespace_before_start_and_up_warns_of_nothing()
    {
        _sandbox.Provider.DefaultTransport = ShareTransport.VirtioFs;
        _probe.Statuses[_sandbox.Project] = new FileStatus(0, 0, (UnixFileMode)0b111_101_101);
        var machine = _sandbox.Machine("dev") with { SyncedFolders = [new SyncedFolder(_sandbox.Project, "/project", false, null, null, null)] };
        var services = Services(new HostIdentity("root", 0, 0)) with { Project = new ProjectSpec(Path.Combine(_sandbox.Project, "Disklessfile"), _sandbox.Project, [machine]) };

        var record = await UpUntilStartAsync(services);

        var mapped = Assert.Single(_namespaces.Mapped);
        Assert.Equal(_sandbox.Project, mapped.HostPath);
        Assert.Equal(OwnerIdMap.For(record.IdMap!, 0, 0), mapped.Map);
        Assert.DoesNotContain(_sandbox.Progress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("synced folder", StringComparison.Ordinal));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task As_root_a_folder_that_could_not_be_idmapped_is_warned_about_with_the_reason()
    {
        _sandbox.Provider.DefaultTransport = ShareTransport.VirtioFs;
        _namespaces.MapFailure = "idmap a bind of it (mount_setattr): Invalid argument";
        _probe.Statuses[_sandbox.Project] = new FileStatus(0, 0, (UnixFileMode)0b111_101_101);
        var machine = _sandbox.Machine("dev") with { SyncedFolders = [new SyncedFolder(_sandbox.Project, "/project", false, null, null, null)] };
        var services = Services(new HostIdentity("root", 0, 0)) with { Project = new ProjectSpec(Path.Combine(_sandbox.Project, "Disklessfile"), _sandbox.Project, [machine]) };

        await UpUntilStartAsync(services);

        var warning = Assert.Single(_sandbox.Progress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("synced folder", StringComparison.Ordinal));
        Assert.Contains("nobody in the guest", warning, StringComparison.Ordinal);
        Assert.Contains("Diskless could not idmap it to the guest's user: idmap a bind of it (mount_setattr): Invalid argument.", warning, StringComparison.Ordinal);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task Up_refuses_a_synced_folder_behind_a_folder_guest_root_cannot_pass_and_names_it_before_building()
    {
        var closed = Directory.CreateDirectory(Path.Combine(_sandbox.Project, "closed")).FullName;
        var folder = Directory.CreateDirectory(Path.Combine(closed, "shared")).FullName;
        _probe.Statuses[closed] = new FileStatus(0, 0, (UnixFileMode)0b111_000_000);
        var machine = _sandbox.Machine("dev") with { SyncedFolders = [new SyncedFolder(folder, "/shared", false, null, null, null)] };
        var services = Services() with { Project = new ProjectSpec(Path.Combine(_sandbox.Project, "Disklessfile"), _sandbox.Project, [machine]) };

        var error = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(services, null, new UpOptions(), CancellationToken.None));

        Assert.Contains($"the machine cannot reach the synced folder {folder}: {closed} (mode 0700, owner 0) lets no one else pass", error.Message, StringComparison.Ordinal);
        Assert.Contains("host uid 100000", error.Message, StringComparison.Ordinal);
        Assert.Equal($"let others pass through it (chmod o+x {closed}), or keep the project in a folder they may pass (say /srv or /home)", error.Hint);
        Assert.Empty(_sandbox.Distro.Calls);
        Assert.Empty(_namespaces.Events);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_closed_folder_of_the_user_is_no_obstacle_guest_root_passes_the_users_own_folders()
    {
        var home = Directory.CreateDirectory(Path.Combine(_sandbox.Project, "home")).FullName;
        var folder = Directory.CreateDirectory(Path.Combine(home, "shared")).FullName;
        _probe.Statuses[home] = new FileStatus(1500, 1600, (UnixFileMode)0b111_000_000);
        var machine = _sandbox.Machine("dev") with { SyncedFolders = [new SyncedFolder(folder, "/shared", false, null, null, null)] };
        var services = Services() with { Project = new ProjectSpec(Path.Combine(_sandbox.Project, "Disklessfile"), _sandbox.Project, [machine]) };

        await UpUntilStartAsync(services);

        Assert.Equal(["build one", "configure dev rootfs:NineP,share0:NineP"], _sandbox.Distro.Calls);
    }
}
