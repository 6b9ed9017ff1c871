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
/// A failed first up leaves nothing behind: no machine state, no root folder, no half-built base, no running VM.
/// Real cp, rm and ssh-keygen; fake plugins.
/// </summary>
public sealed class UpFailureTests : IDisposable
{
    private readonly string _sandbox = Directory.CreateTempSubdirectory("diskless-up-").FullName;
    private readonly FakeDistro _distro = new();
    private readonly FakeProvider _provider = new();
    private readonly RecordingProgress _progress = new();
    private readonly FakeClock _clock = new();
    private readonly HostPaths _paths;
    private readonly string _project;

    public UpFailureTests()
    {
        _paths = new HostPaths(Path.Combine(_sandbox, "data"));
        _project = Directory.CreateDirectory(Path.Combine(_sandbox, "project")).FullName;
    }

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    private LifecycleServices Services(string machineName = "dev") => new DisklessServices(TextWriter.Null, TextWriter.Null, _project) { Time = _clock }.Lifecycle(
        new HostServices(_progress, new ScribanTemplates(), _paths),
        new FakeCatalog(_distro, _provider),
        new ProjectSpec(Path.Combine(_project, "Disklessfile"), _project, [Machine(machineName)]));

    private MachineSpec Machine(string name) => new(
        name, _project, Path.Combine(_project, "Disklessfile"), 1, 512,
        new DistroSpec("fake", "one", null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), null),
        new ProviderSpec("fakevm", Accelerator.Tcg, new Dictionary<string, SpecValue>(), null),
        new ShareSpec(null), [], [], [], TimeSpan.FromSeconds(20));

    private string StateDirectory => Services().State.MachineStateDirectory("dev");

    private static string[] Entries(string folder) =>
        Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder).Select(e => Path.GetFileName(e)).Where(n => n != ".locks").ToArray() : [];

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_first_up_that_fails_to_configure_leaves_no_machine_and_keeps_the_complete_base()
    {
        _distro.FailConfigure = new DisklessException("configure broke");

        var error = await Assert.ThrowsAsync<DisklessException>(() => UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None));

        Assert.Equal("configure broke", error.Message);
        Assert.False(Directory.Exists(StateDirectory));
        Assert.Empty(Entries(_paths.MachinesDirectory));
        Assert.Empty(Entries(_paths.TempDirectory));
        // The base and, next to it, its record.
        var key = Assert.Single(Directory.EnumerateDirectories(_paths.BasesDirectory).Where(d => !Path.GetFileName(d).StartsWith('.')).Select(Path.GetFileName));
        Assert.Equal([key!, key + ".json"], Entries(_paths.BasesDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(_provider.Calls);
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_base_build_that_fails_leaves_no_base_and_no_temp_folder()
    {
        _distro.FailBuild = new CommandFailedException(new CommandSpec("debootstrap", "bookworm"), 1, ["E: Couldn't download packages"]);

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None));

        Assert.Equal(["E: Couldn't download packages"], error.OutputTail);
        Assert.Empty(Entries(_paths.BasesDirectory));
        Assert.Empty(Entries(_paths.TempDirectory));
        Assert.False(Directory.Exists(StateDirectory));
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_base_build_interrupted_by_ctrl_c_leaves_no_base_and_no_temp_folder()
    {
        _distro.FailBuild = new OperationCanceledException();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None));

        Assert.Empty(Entries(_paths.BasesDirectory));
        Assert.Empty(Entries(_paths.TempDirectory));
        Assert.False(Directory.Exists(StateDirectory));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_guest_that_dies_while_booting_fails_fast_and_is_stopped_and_removed()
    {
        _provider.RunningState = MachineState.Crashed;

        // The boot timeout runs on a fake clock moved only when the wait asks: a missed crash would run into it.
        var error = await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None)));

        Assert.StartsWith("the virtual machine stopped while booting (fake)", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, _clock.Elapsed);
        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        // Destroyed, not only stopped: the machine is removed, and nothing the provider made for it may outlive it.
        Assert.Equal(["start dev ssh=True", "destroy"], _provider.Calls);
        Assert.False(_provider.Running);
        Assert.False(Directory.Exists(StateDirectory));
        Assert.Empty(Entries(_paths.MachinesDirectory));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task A_failed_boot_the_providers_status_recognises_ends_the_wait_with_the_hint_in_the_distros_words()
    {
        // The guest still runs (stuck in its initramfs); only the provider's console diagnosis knows, with the hints the
        // host asked the distro for.
        _distro.Initramfs = new InitramfsHints("/etc/fake-modules", "sudo fake-rebuild");
        _provider.Diagnose = handle => new BootFailure("the initramfs cannot mount the root", $"run `{handle.Initramfs?.RebuildCommand}` in the guest", ["panic"]);

        var error = await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None)));

        Assert.StartsWith("the initramfs cannot mount the root", error.Message, StringComparison.Ordinal);
        Assert.Equal("run `sudo fake-rebuild` in the guest", error.Hint);
        Assert.Equal(TimeSpan.Zero, _clock.Elapsed);
        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task The_guests_key_is_pinned_for_the_endpoint_the_provider_returned_not_for_loopback()
    {
        // A provider whose guest is reached at its own address (a libvirt network's lease), and a guest that dies: the
        // known_hosts of that start is read as the failed up stops the machine, before its state is removed.
        _provider.Endpoint = _ => new SshEndpoint("127.0.0.9", 22);
        _provider.RunningState = MachineState.Crashed;
        string? knownHosts = null;
        _provider.OnStop = _ => knownHosts = File.ReadAllText(Path.Combine(StateDirectory, "known_hosts"));
        _provider.OnDestroy = _provider.OnStop;

        await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None)));

        Assert.NotNull(knownHosts);
        var lines = knownHosts.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.StartsWith("127.0.0.9 ssh-", line, StringComparison.Ordinal));
    }

    [RequiresFact("ssh-keygen", "cp")]
    public async Task The_configure_step_gets_the_root_share_first_and_the_provider_default_transport()
    {
        _provider.RunningState = MachineState.Crashed;

        await Assert.ThrowsAsync<DisklessException>(() => _clock.FastForwardAsync(UpHandler.RunAsync(Services(), null, new UpOptions(), CancellationToken.None)));

        Assert.Equal(["build one", "configure dev rootfs:NineP"], _distro.Calls);
    }

    [RequiresFact("cp")]
    public async Task Two_machines_needing_one_base_build_it_once_even_at_the_same_time()
    {
        var host = new HostServices(_progress, new ScribanTemplates(), _paths);
        var spec = _distro.DescribeBase(Machine("dev").Distro);

        var paths = await Task.WhenAll(
            new BaseCache(host).EnsureAsync(_distro, spec, CancellationToken.None),
            new BaseCache(host).EnsureAsync(_distro, spec, CancellationToken.None));

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(["build one"], _distro.Calls);
        Assert.True(File.Exists(Path.Combine(paths[0], "boot", "vmlinuz")));
    }

    [Fact]
    public void The_base_key_changes_with_every_input_that_changes_the_result()
    {
        var spec = new BaseSpec("debian", "bookworm", "http://deb.debian.org/debian", "amd64", ["a", "b"], new Dictionary<string, string> { ["components"] = "main" });
        var key = BaseCache.KeyFor(spec, "1.0");

        Assert.StartsWith("debian-bookworm-amd64-", key, StringComparison.Ordinal);
        Assert.Equal(key, BaseCache.KeyFor(spec with { Packages = ["b", "a"] }, "1.0"));
        Assert.All(
            new[]
            {
                BaseCache.KeyFor(spec with { Mirror = "http://other/debian" }, "1.0"),
                BaseCache.KeyFor(spec with { Architecture = "arm64" }, "1.0"),
                BaseCache.KeyFor(spec with { Packages = ["a", "b", "c"] }, "1.0"),
                BaseCache.KeyFor(spec with { Options = new Dictionary<string, string> { ["components"] = "main contrib" } }, "1.0"),
                BaseCache.KeyFor(spec, "1.1"),
            },
            other => Assert.NotEqual(key, other));
    }
}
