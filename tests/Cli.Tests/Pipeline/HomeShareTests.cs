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
/// At each start, a virtiofs root's /home is handed to a provider that serves it apart only when it is a real folder of
/// the root: the guest could have made it a link to a host folder. Fake plugins, a real root folder.
/// </summary>
public sealed class HomeShareTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("diskless-homeshare-").FullName;
    private readonly FakeDistro _distro = new();
    private readonly FakeProvider _provider = new()
    {
        RunningState = MachineState.Crashed,
        Capabilities = new([ShareTransport.VirtioFs, ShareTransport.NineP], true, HomeShare: true),
    };

    private readonly FakeClock _clock = new();
    private readonly RecordingProgress _progress = new();
    private readonly HostPaths _paths;
    private readonly string _project;
    private BootPlan? _started;

    public HomeShareTests()
    {
        _paths = new HostPaths(Path.Combine(_sandbox, "data"));
        _project = Directory.CreateDirectory(Path.Combine(_sandbox, "project")).FullName;
        _provider.OnStart = plan => _started = plan;
    }

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    private string StateDirectory => Services().State.MachineStateDirectory("dev");

    [Fact]
    public async Task A_real_home_folder_is_served_as_its_own_share_of_the_roots_folder()
    {
        var root = await SeedMachineAsync(ShareTransport.VirtioFs, home => Directory.CreateDirectory(home));

        await UpAsync();

        var home = Assert.Single(_started!.Shares, s => s.Tag == Share.HomeTag);
        Assert.Equal(new Share(Share.HomeTag, Path.Combine(root, "home"), "/home", ShareTransport.VirtioFs, PartOfRoot: true), home);
        Assert.DoesNotContain(_progress.Lines, l => l.Contains("/home", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_home_the_guest_made_a_link_is_not_served_and_up_says_so()
    {
        var root = await SeedMachineAsync(ShareTransport.VirtioFs, home => File.CreateSymbolicLink(home, "/etc"));

        await UpAsync();

        Assert.Equal([Share.RootTag], _started!.Shares.Select(s => s.Tag));
        var warning = Assert.Single(_progress.Lines, l => l.Contains("/home is not served", StringComparison.Ordinal));
        Assert.Contains($"{Path.Combine(root, "home")}: it is a symbolic link (to /etc)", warning, StringComparison.Ordinal);
        Assert.StartsWith("warn: ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_9p_root_or_a_provider_without_a_home_share_gets_none_and_no_warning()
    {
        await SeedMachineAsync(ShareTransport.NineP, home => Directory.CreateDirectory(home));
        await UpAsync();
        Assert.Equal([Share.RootTag], _started!.Shares.Select(s => s.Tag));

        _provider.Capabilities = _provider.Capabilities with { HomeShare = false };
        await SeedMachineAsync(ShareTransport.VirtioFs, _ => { });
        await UpAsync();
        Assert.Equal([Share.RootTag], _started!.Shares.Select(s => s.Tag));
        Assert.DoesNotContain(_progress.Lines, l => l.Contains("/home", StringComparison.Ordinal));
    }

    // The fake guest dies while booting: up fails, after the provider was handed its plan.
    private Task UpAsync() =>
        Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None)));

    /// <summary>A machine whose first up completed: its record and a root with a kernel and <paramref name="makeHome"/>'s home.</summary>
    private async Task<string> SeedMachineAsync(ShareTransport transport, Action<string> makeHome)
    {
        var services = Services();
        var id = MachineRecord.NewId();
        var root = Path.Combine(_paths.MachinesDirectory, id, "root");
        Directory.CreateDirectory(Path.Combine(root, "boot"));
        await File.WriteAllTextAsync(Path.Combine(root, "boot", "vmlinuz"), "kernel");
        makeHome(Path.Combine(root, "home"));
        services.State.EnsureMachineStateDirectory("dev");
        var record = new MachineRecord
        {
            Id = id,
            Name = "dev",
            Provider = "fakevm",
            Distro = "fake",
            CreatedAt = DateTimeOffset.UnixEpoch,
            RootPath = root,
            RootTransport = transport,
            StateDirectory = StateDirectory,
            RuntimeDirectory = services.State.RuntimeDirectory(id),
            ConsoleLogPath = Path.Combine(StateDirectory, "console.log"),
            Booted = true,
            SetupComplete = true,
            Artifacts = new BootArtifacts(Path.Combine(root, "boot", "vmlinuz"), Path.Combine(root, "boot", "vmlinuz"), "root=rootfs"),
        };
        await MachineRecordStore.SaveAsync(StateDirectory, record, CancellationToken.None);
        return root;
    }

    private LifecycleServices Services() => new DisklessServices(TextWriter.Null, TextWriter.Null, _project) { Time = _clock }.Lifecycle(
        new HostServices(_progress, new ScribanTemplates(), _paths),
        new FakeCatalog(_distro, _provider),
        new ProjectSpec(Path.Combine(_project, "Disklessfile"), _project, [Machine()]),
        new ProjectState(_project, _paths, name => name == "XDG_RUNTIME_DIR" ? Path.Combine(_sandbox, "run") : null, isRoot: false));

    private MachineSpec Machine() => new(
        "dev", _project, Path.Combine(_project, "Disklessfile"), 1, 512,
        new DistroSpec("fake", "one", null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
        new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), null),
        new ShareSpec(null), [], [], [], TimeSpan.FromSeconds(20));
}
