using Diskless.Abstractions;
using Diskless.Cli.Composition;
using Diskless.Cli.Configuration;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Plugins;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// The record says the guest has run before the guest can run, and every later configure is told so: from then on
/// the distro plugin runs no program of the root on the host. Real ssh-keygen and cp; fake plugins.
/// </summary>
public sealed class GuestHasRunTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("diskless-booted-").FullName;
    private readonly FakeDistro _distro = new();
    private readonly FakeProvider _provider = new() { RunningState = MachineState.Crashed };
    private readonly FakeClock _clock = new();
    private readonly HostPaths _paths;
    private readonly string _project;

    public GuestHasRunTests()
    {
        _paths = new HostPaths(Path.Combine(_sandbox, "data"));
        _project = Directory.CreateDirectory(Path.Combine(_sandbox, "project")).FullName;
    }

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    private string StateDirectory => Services().State.MachineStateDirectory("dev");

    [RequiresFact("ssh-keygen", "cp")]
    public async Task The_first_configure_may_use_the_bases_tools_and_booted_is_saved_before_the_provider_starts()
    {
        MachineRecord? seenAtStart = null;
        _provider.OnStart = _ => seenAtStart = MachineRecordStore.LoadAsync(StateDirectory, CancellationToken.None).GetAwaiter().GetResult();

        // The fake guest dies while booting: the first up fails, but only after the provider was asked to start.
        await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None)));

        var request = Assert.Single(_distro.Requests);
        Assert.False(request.GuestHasRun);
        Assert.NotNull(seenAtStart);
        Assert.True(seenAtStart.Booted);
        Assert.True(seenAtStart.GuestHasRun);
        Assert.Contains("start dev ssh=True", _provider.Calls);
    }

    [RequiresFact("ssh-keygen")]
    public Task A_reload_tells_the_distro_the_guest_has_run() => AssertReloadSaysGuestHasRunAsync(booted: true, olderRecord: false);

    [RequiresFact("ssh-keygen")]
    public Task A_reload_of_a_machine_recorded_before_the_flag_counts_it_as_booted() => AssertReloadSaysGuestHasRunAsync(booted: false, olderRecord: true);

    [Fact]
    public void A_record_from_before_the_flag_counts_as_booted_once_its_setup_completed_or_it_booted()
    {
        var fresh = Record("0123456789ab", "/r");

        Assert.False(fresh.GuestHasRun);
        Assert.True((fresh with { Booted = true }).GuestHasRun);
        Assert.True((fresh with { SetupComplete = true }).GuestHasRun);
        Assert.True((fresh with { LastBootSeconds = 12.5 }).GuestHasRun);
    }

    private async Task AssertReloadSaysGuestHasRunAsync(bool booted, bool olderRecord)
    {
        var services = Services();
        await SeedMachineAsync(services, booted, olderRecord);

        await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(services, null, new UpOptions(Reconfigure: true), CancellationToken.None)));

        var request = Assert.Single(_distro.Requests);
        Assert.True(request.GuestHasRun);
        var record = await MachineRecordStore.LoadAsync(StateDirectory, CancellationToken.None);
        Assert.True(record!.Booted);
    }

    /// <summary>A machine whose first up completed: its record and a root with a kernel.</summary>
    private async Task SeedMachineAsync(LifecycleServices services, bool booted, bool olderRecord)
    {
        var id = MachineRecord.NewId();
        var root = Path.Combine(_paths.MachinesDirectory, id, "root");
        Directory.CreateDirectory(Path.Combine(root, "boot"));
        await File.WriteAllTextAsync(Path.Combine(root, "boot", "vmlinuz"), "kernel");
        services.State.EnsureMachineStateDirectory("dev");
        var record = Record(id, root) with
        {
            Booted = booted,
            SetupComplete = true,
            LastBootSeconds = olderRecord ? 30.0 : null,
            RuntimeDirectory = services.State.RuntimeDirectory(id),
            Artifacts = new BootArtifacts(Path.Combine(root, "boot", "vmlinuz"), Path.Combine(root, "boot", "vmlinuz"), "root=rootfs"),
        };
        await MachineRecordStore.SaveAsync(StateDirectory, record, CancellationToken.None);
    }

    private MachineRecord Record(string id, string root) => new()
    {
        Id = id,
        Name = "dev",
        Provider = "fakevm",
        Distro = "fake",
        CreatedAt = DateTimeOffset.UnixEpoch,
        RootPath = root,
        RootTransport = ShareTransport.NineP,
        StateDirectory = StateDirectory,
        RuntimeDirectory = Path.Combine(_sandbox, "run"),
        ConsoleLogPath = Path.Combine(StateDirectory, "console.log"),
    };

    private LifecycleServices Services() => new DisklessServices(TextWriter.Null, TextWriter.Null, _project) { Time = _clock }.Lifecycle(
        new HostServices(new RecordingProgress(), new ScribanTemplates(), _paths),
        new FakeCatalog(_distro, _provider),
        new ProjectSpec(Path.Combine(_project, "Disklessfile"), _project, [Machine()]),
        new ProjectState(_project, _paths, name => name == "XDG_RUNTIME_DIR" ? Path.Combine(_sandbox, "run") : null, isRoot: false));

    private MachineSpec Machine() => new(
        "dev", _project, Path.Combine(_project, "Disklessfile"), 1, 512,
        new DistroSpec("fake", "one", null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
        new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), null),
        new ShareSpec(null), [], [], [], TimeSpan.FromSeconds(20));
}
