using Diskless.Abstractions;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Pipeline;

/// <summary>
/// <c>reload</c> applies a change to <c>[[ports]]</c> alone without halting or booting the machine, through the
/// provider's runtime forwards; any other change, or a provider that cannot change forwards while running, reboots it
/// as before. Fake plugins (their calls in order), real state files.
/// </summary>
public sealed class PortsOnlyReloadTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new();
    private readonly FakeForwardingProvider _forwarding;

    public PortsOnlyReloadTests()
    {
        _forwarding = new FakeForwardingProvider(_sandbox.Provider);
        // A full reload is seen through its halt and its configure; stopping it there keeps the test from booting.
        _sandbox.Distro.FailConfigure = new DisklessException("the reload reached configure");
    }

    public void Dispose() => _sandbox.Dispose();

    private MachineSpec Dev(params PortForward[] ports) => _sandbox.Machine("dev") with { Ports = ports };

    private LifecycleServices Services(MachineSpec machine, IProvider provider) => _sandbox.Services(provider, machine);

    /// <summary>A running machine started with <paramref name="startedWith"/>, as up leaves it.</summary>
    private async Task<MachineRecord> RunningAsync(MachineSpec startedWith)
    {
        var record = await _sandbox.CreatedMachineAsync();
        await PortsOnlyReload.RememberAsync(record, startedWith, CancellationToken.None);
        _sandbox.Provider.Running = true;
        return record;
    }

    private static Task ReloadAsync(LifecycleServices services) => ReloadHandler.RunAsync(services, null, provision: false, CancellationToken.None);

    [Fact(Timeout = 30_000)]
    public async Task A_reload_whose_only_change_is_the_ports_removes_and_adds_forwards_and_neither_halts_nor_boots()
    {
        var record = await RunningAsync(Dev(new PortForward(8080, 80), new PortForward(5432, 5432)));
        var changed = Dev(new PortForward(5432, 5432), new PortForward(9090, 80), new PortForward(5353, 53, "udp"));

        await ReloadAsync(Services(changed, _forwarding));

        Assert.Equal(["remove 127.0.0.1:8080/tcp", "add 127.0.0.1:9090 -> 80/tcp", "add 127.0.0.1:5353 -> 53/udp"], _sandbox.Provider.Calls);
        Assert.Empty(_sandbox.Distro.Requests);
        Assert.True(_sandbox.Provider.Running);
        Assert.Contains(_sandbox.Progress.Lines, l => l.Contains("it was not rebooted", StringComparison.Ordinal));
        // What the machine now has is what it is remembered as: the same file again changes nothing more.
        Assert.Equal(
            [new PortForward(5432, 5432), new PortForward(9090, 80), new PortForward(5353, 53, "udp")],
            await PortsOnlyReload.StartedPortsAsync(record, CancellationToken.None));
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_reload_that_changes_more_than_the_ports_halts_and_configures_again_and_touches_no_forward()
    {
        await RunningAsync(Dev(new PortForward(8080, 80)));
        var changed = Dev(new PortForward(9090, 80)) with { MemoryMiB = 1024 };

        await Assert.ThrowsAsync<DisklessException>(() => ReloadAsync(Services(changed, _forwarding)));

        Assert.Equal(["stop force=False"], _sandbox.Provider.Calls);
        Assert.Single(_sandbox.Distro.Requests);
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_reload_of_unchanged_ports_is_the_reboot_asked_for()
    {
        await RunningAsync(Dev(new PortForward(8080, 80)));

        await Assert.ThrowsAsync<DisklessException>(() => ReloadAsync(Services(Dev(new PortForward(8080, 80)), _forwarding)));

        Assert.Equal(["stop force=False"], _sandbox.Provider.Calls);
    }

    /// <remarks>libvirt's provider, for one: it cannot change a running domain's forwards.</remarks>
    [RequiresFact("ssh-keygen")]
    public async Task A_ports_change_on_a_provider_that_cannot_change_forwards_while_running_reboots()
    {
        await RunningAsync(Dev(new PortForward(8080, 80)));

        await Assert.ThrowsAsync<DisklessException>(() => ReloadAsync(Services(Dev(new PortForward(9090, 80)), _sandbox.Provider)));

        Assert.Equal(["stop force=False"], _sandbox.Provider.Calls);
        Assert.Single(_sandbox.Distro.Requests);
    }

    [RequiresFact("ssh-keygen")]
    public async Task A_machine_started_before_diskless_remembered_what_it_started_with_reboots()
    {
        await _sandbox.CreatedMachineAsync();
        _sandbox.Provider.Running = true;

        await Assert.ThrowsAsync<DisklessException>(() => ReloadAsync(Services(Dev(new PortForward(9090, 80)), _forwarding)));

        Assert.Equal(["stop force=False"], _sandbox.Provider.Calls);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_taken_host_port_fails_the_reload_says_which_and_reload_again_changes_only_what_is_left()
    {
        var record = await RunningAsync(Dev(new PortForward(8080, 80)));
        var changed = Dev(new PortForward(9090, 80), new PortForward(9091, 81));
        _forwarding.Taken.Add(9091);

        var failed = await Assert.ThrowsAsync<DisklessException>(() => ReloadAsync(Services(changed, _forwarding)));
        _forwarding.Taken.Clear();
        _sandbox.Provider.Calls.Clear();
        await ReloadAsync(Services(changed, _forwarding));

        Assert.Equal("host port 127.0.0.1:9091/tcp is already in use; the machine keeps running with the other forwards.", failed.Message);
        Assert.Contains("ss -ltnp 'sport = :9091'", failed.Hint, StringComparison.Ordinal);
        Assert.Equal(["add 127.0.0.1:9091 -> 81/tcp"], _sandbox.Provider.Calls);
        Assert.Equal([new PortForward(9090, 80), new PortForward(9091, 81)], await PortsOnlyReload.StartedPortsAsync(record, CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task What_the_machine_started_with_is_kept_in_its_state_folder_in_the_data_dir_not_in_the_project()
    {
        var record = await RunningAsync(Dev(new PortForward(8080, 80)));

        Assert.True(File.Exists(Path.Combine(record.StateDirectory, PortsOnlyReload.FileName)));
        Assert.StartsWith(_sandbox.Paths.DataDirectory + "/", record.StateDirectory, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_sandbox.Project, PortsOnlyReload.FileName, SearchOption.AllDirectories));
    }
}
