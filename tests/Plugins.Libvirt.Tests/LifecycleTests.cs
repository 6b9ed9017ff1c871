using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.Libvirt.Tests;

public sealed class LifecycleTests : IDisposable
{
    private readonly VirshScript _virsh = new();

    public void Dispose() => _virsh.Dispose();

    [Fact]
    public async Task Up_defines_and_starts_the_domain_and_returns_the_forwarded_loopback_port_for_ssh()
    {
        var running = await _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None));

        Golden.AssertText(_virsh.Transcript, "start.transcript");
        Assert.Equal(new SshEndpoint("127.0.0.1", _virsh.SshPort), running.Ssh);
        Assert.Equal("diskless-dev-0b7e4c", running.Handle.Data["domain"]);
        Assert.Equal("qemu:///system", running.Handle.Data["uri"]);
        Assert.Contains("<name>diskless-dev-0b7e4c</name>", await File.ReadAllTextAsync(Path.Combine(_virsh.StateDirectory, "domain.xml")), StringComparison.Ordinal);
        Assert.Contains(_virsh.Host.RecordedProgress.Lines, l => l.StartsWith("warn: KVM is not usable here", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10000)]
    public async Task A_host_port_in_use_stops_the_start_before_virsh_defines_anything()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => _virsh.Provider().StartAsync(_virsh.Plan() with { Ports = [new PortForward(taken, 80)] }, _virsh.Host, CancellationToken.None));

        Assert.Contains($"127.0.0.1:{taken}/tcp", error.Message, StringComparison.Ordinal);
        Assert.Contains("guest port 80", error.Message, StringComparison.Ordinal);
        Assert.Contains($"sport = :{taken}", error.Hint, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_virsh.StateDirectory, DomainLauncher.DomainFileName)));
        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("start"));
    }

    [Fact(Timeout = 10000)]
    public async Task The_ssh_port_in_use_is_named_as_the_ssh_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => _virsh.Provider().StartAsync(_virsh.Plan() with { SshHostPort = taken }, _virsh.Host, CancellationToken.None));

        Assert.Contains($"The SSH port 127.0.0.1:{taken}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_virsh.StateDirectory, DomainLauncher.DomainFileName)));
    }

    [Fact]
    public async Task A_synced_folder_over_virtiofs_is_served_by_the_filtered_script_written_in_the_data_dir_and_the_root_by_virtiofsd()
    {
        var synced = new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs);

        await _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(extraShares: [synced]), _virsh.Host, CancellationToken.None));

        var domain = System.Xml.Linq.XElement.Parse(await File.ReadAllTextAsync(Path.Combine(_virsh.StateDirectory, "domain.xml")));
        var binaries = domain.Element("devices")!.Elements("filesystem").Select(f => (string?)f.Element("binary")!.Attribute("path")).ToList();
        Assert.Equal("/usr/lib/qemu/virtiofsd", binaries[0]);
        var script = binaries[1]!;
        Assert.Equal(Path.Combine(_virsh.Host.Paths.DataDirectory, "libvirt"), Path.GetDirectoryName(script));
        Assert.Equal(FilteredVirtiofsd.Script("/usr/lib/qemu/virtiofsd", SetuidFilter.ForThisHost()), await File.ReadAllTextAsync(script));
        Assert.Equal((UnixFileMode)0x1ed, File.GetUnixFileMode(script));
        Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(Path.GetDirectoryName(script)!));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(script)!));
    }

    [Fact]
    public async Task A_script_someone_changed_is_written_again_and_a_link_in_its_place_is_replaced_not_followed()
    {
        var synced = new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs);
        var expected = FilteredVirtiofsd.Script("/usr/lib/qemu/virtiofsd", SetuidFilter.ForThisHost());
        var path = FilteredVirtiofsd.PathFor(_virsh.Host.Paths, expected);
        var canary = Path.Combine(_virsh.StateDirectory, "canary");
        await File.WriteAllTextAsync(canary, "untouched\n");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, (UnixFileMode)0x1c0);
        File.CreateSymbolicLink(path, canary);

        await _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(extraShares: [synced]), _virsh.Host, CancellationToken.None));

        Assert.Equal("untouched\n", await File.ReadAllTextAsync(canary));
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal(expected, await File.ReadAllTextAsync(path));

        await File.WriteAllTextAsync(path, "#!/bin/bash\nexec /usr/lib/qemu/virtiofsd \"$@\"\n");
        await _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(extraShares: [synced]), _virsh.Host, CancellationToken.None));

        Assert.Equal(expected, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_scripts_folder_others_may_write_is_refused_before_anything_is_defined()
    {
        var synced = new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs);
        var folder = Path.Combine(_virsh.Host.Paths.DataDirectory, FilteredVirtiofsd.FolderName);
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0x1ff);

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(extraShares: [synced]), _virsh.Host, CancellationToken.None)));

        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("define") && !c.Arguments.Contains("/dev/stdin"));
    }

    [Fact]
    public async Task A_writable_9p_passthrough_synced_folder_is_refused_since_qemu_would_write_it_as_host_root()
    {
        var nineP = new Share("share1", "/home/me/project", "/project", ShareTransport.NineP);
        var mapped = new Share("share2", "/home/me/data", "/data", ShareTransport.NineP, NinePSecurityModel: "mapped-xattr");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(extraShares: [nineP, mapped]), _virsh.Host, CancellationToken.None)));

        Assert.Contains("'/project' (/home/me/project)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/data", error.Message, StringComparison.Ordinal);
        Assert.Empty(_virsh.Host.Runner.Commands);
    }

    [Fact]
    public async Task A_9p_synced_folder_that_keeps_the_guests_modes_in_xattrs_starts()
    {
        var mapped = new Share("share2", "/home/me/data", "/data", ShareTransport.NineP, NinePSecurityModel: "mapped-xattr");

        await _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(extraShares: [mapped]), _virsh.Host, CancellationToken.None));

        var domain = System.Xml.Linq.XElement.Parse(await File.ReadAllTextAsync(Path.Combine(_virsh.StateDirectory, "domain.xml")));
        var data = domain.Element("devices")!.Elements("filesystem").Single(f => (string?)f.Element("target")!.Attribute("dir") == "share2");
        Assert.Equal("mapped", (string?)data.Attribute("accessmode"));
    }

    [Fact]
    public async Task A_start_that_fails_destroys_and_undefines_the_domain_so_nothing_is_left()
    {
        _virsh.Host.Runner.Fail("virsh", 1, "error: Failed to start domain 'diskless-dev-0b7e4c'\nerror: internal error: qemu unexpectedly closed the monitor\n", "start");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None)));

        Golden.AssertText(_virsh.Transcript, "start-fails.transcript");
        Assert.Contains("qemu unexpectedly closed the monitor", string.Join('\n', error.OutputTail), StringComparison.Ordinal);
        var last = _virsh.Host.Runner.Commands.TakeLast(2).Select(c => c.Arguments[2]).ToList();
        Assert.Equal(["destroy", "undefine"], last);
    }

    [Fact]
    public async Task A_domain_of_that_name_that_is_not_ours_is_left_alone_and_named_with_the_fix()
    {
        _virsh.Host.Runner.Print("virsh", "11111111-2222-3333-4444-555555555555\n", "domuuid");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(_virsh.Plan(), _virsh.Host, CancellationToken.None)));

        Assert.Contains("is not this machine's", error.Message, StringComparison.Ordinal);
        Assert.Contains("virsh -c qemu:///system undefine diskless-dev-0b7e4c", error.Hint, StringComparison.Ordinal);
        // Only the passt probe's throwaway domain was defined and undefined; the stranger's domain was not touched.
        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => (c.Arguments.Contains("define") && !c.Arguments.Contains("/dev/stdin")) || (c.Arguments.Contains("undefine") && !c.Arguments.Contains(VirshScript.ThrowawayName)) || c.Arguments.Contains("destroy"));
    }

    [Fact]
    public async Task On_a_named_network_an_inactive_network_is_started_and_ssh_goes_to_the_lease_on_port_22()
    {
        _virsh.Host.Runner.Print("virsh", "Name:           default\nActive:         no\nPersistent:     yes\n", "net-info");
        var leases = 0;
        _virsh.Host.Runner.On("virsh", _ => new CommandResult(0, leases++ < 2 ? "" : " Name       MAC address          Protocol     Address\n-----------------------------------------------------\n vnet0      52:54:00:12:34:56    ipv4         192.168.122.45/24\n", "", TimeSpan.Zero), "domifaddr");
        _virsh.DomainStates("running (booted)");
        var plan = _virsh.Plan(LibvirtPlans.Provider(("network", "default")));

        var running = await _virsh.RunAsync(() => _virsh.Provider().StartAsync(plan, _virsh.Host, CancellationToken.None));

        Golden.AssertText(_virsh.Transcript, "start-on-network.transcript");
        Assert.Equal(new SshEndpoint("192.168.122.45", 22), running.Ssh);
        Assert.Equal(TimeSpan.FromSeconds(2), _virsh.Clock.Elapsed);
    }

    [Fact]
    public async Task A_missing_network_is_an_error_with_the_fix_before_anything_is_defined()
    {
        _virsh.Host.Runner.Fail("virsh", 1, "error: failed to get network 'nat'\nerror: Network not found: no network with matching name 'nat'\n", "net-info");
        var plan = _virsh.Plan(LibvirtPlans.Provider(("network", "nat")));

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(plan, _virsh.Host, CancellationToken.None)));

        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Contains("the libvirt network 'nat' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("net-list --all", error.Hint, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_virsh.StateDirectory, DomainLauncher.DomainFileName)));
    }

    [Fact]
    public async Task A_guest_that_takes_no_lease_is_stopped_and_undefined_after_the_lease_timeout()
    {
        _virsh.Host.Runner.Print("virsh", "Active:         yes\n", "net-info");
        _virsh.DomainStates("running (booted)");
        var plan = _virsh.Plan(LibvirtPlans.Provider(("network", "default")));

        var error = await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().StartAsync(plan, _virsh.Host, CancellationToken.None)));

        Assert.Contains("took no DHCP lease", error.Message, StringComparison.Ordinal);
        Assert.Equal(VirshScript.Timings.LeaseTimeout, _virsh.Clock.Elapsed);
        Assert.Equal(["destroy", "undefine"], _virsh.Host.Runner.Commands.TakeLast(2).Select(c => c.Arguments[2]));
    }

    [Fact]
    public async Task Halt_asks_the_guest_to_power_off_and_waits_for_shut_off_without_forcing()
    {
        _virsh.DomainIsOurs();
        _virsh.DomainStates("running (booted)", "running (booted)", "running (booted)", "shut off (shutdown)");

        await _virsh.RunAsync(() => _virsh.Provider().StopAsync(_virsh.Handle(), new StopOptions(false, TimeSpan.FromSeconds(60)), _virsh.Host, CancellationToken.None));

        Golden.AssertText(_virsh.Transcript, "halt.transcript");
        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("destroy"));
        Assert.Equal(TimeSpan.FromSeconds(2), _virsh.Clock.Elapsed);
    }

    [Fact]
    public async Task A_guest_that_ignores_the_power_button_is_destroyed_after_the_graceful_timeout_of_the_disklessfile()
    {
        _virsh.DomainIsOurs();
        _virsh.DomainStates("running (booted)");

        await _virsh.RunAsync(() => _virsh.Provider().StopAsync(_virsh.Handle(gracefulSeconds: "20"), new StopOptions(false, TimeSpan.FromSeconds(60)), _virsh.Host, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(20), _virsh.Clock.Elapsed);
        Assert.Equal("destroy", _virsh.Host.Runner.Commands[^1].Arguments[2]);
        Assert.Contains(_virsh.Host.RecordedProgress.Lines, l => l.Contains("did not power off within 20 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Destroy_stops_the_domain_at_once_and_undefines_it()
    {
        _virsh.DomainIsOurs();
        _virsh.DomainStates("running (booted)");

        await _virsh.RunAsync(() => _virsh.Provider().DestroyAsync(_virsh.Handle(), _virsh.Host, CancellationToken.None));

        Golden.AssertText(_virsh.Transcript, "destroy.transcript");
        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("shutdown"));
    }

    [Fact]
    public async Task Destroy_never_undefines_a_domain_of_that_name_that_is_not_ours()
    {
        _virsh.Host.Runner.Print("virsh", "11111111-2222-3333-4444-555555555555\n", "domuuid");
        _virsh.DomainStates("running (booted)");

        await Assert.ThrowsAsync<DisklessException>(() => _virsh.RunAsync(() => _virsh.Provider().DestroyAsync(_virsh.Handle(), _virsh.Host, CancellationToken.None)));

        Assert.DoesNotContain(_virsh.Host.Runner.Commands, c => c.Arguments.Contains("undefine") || c.Arguments.Contains("destroy"));
    }

    [Theory]
    [InlineData("running (booted)", MachineState.Running)]
    [InlineData("shut off (shutdown)", MachineState.Stopped)]
    [InlineData("shut off (destroyed)", MachineState.Stopped)]
    [InlineData("shut off (crashed)", MachineState.Crashed)]
    [InlineData("crashed (panicked)", MachineState.Crashed)]
    public async Task Status_reads_domstate_with_its_reason_and_names_the_domain(string domstate, MachineState expected)
    {
        _virsh.DomainStates(domstate);

        var status = await _virsh.Provider().StatusAsync(_virsh.Handle(), _virsh.Host, CancellationToken.None);

        Assert.Equal(expected, status.State);
        Assert.Equal("diskless-dev-0b7e4c", status.VmName);
        Assert.Contains(domstate, status.Detail, StringComparison.Ordinal);
        Assert.Equal("/usr/bin/virsh -c qemu:///system domstate diskless-dev-0b7e4c --reason\n", _virsh.Transcript);
    }

    [Fact]
    public async Task A_crashed_domain_shows_the_console_and_the_diagnosis_of_its_serial_log()
    {
        _virsh.DomainStates("shut off (crashed)");
        await File.WriteAllTextAsync(Path.Combine(_virsh.StateDirectory, "console.log"), "[    3.1] VFS: Cannot open root device\n[    3.2] mount: unknown filesystem type 'virtiofs'\n[    3.3] Kernel panic - not syncing\n");

        var status = await _virsh.Provider().StatusAsync(_virsh.Handle(), _virsh.Host, CancellationToken.None);

        Assert.Equal(MachineState.Crashed, status.State);
        Assert.Contains("the virtiofs module is missing", status.Detail, StringComparison.Ordinal);
        Assert.Contains(status.ConsoleTail!, l => l.Contains("Kernel panic", StringComparison.Ordinal));
        Assert.Contains("virtiofs module is missing", status.Failure?.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_domain_stuck_in_its_initramfs_carries_the_diagnosis_in_its_distros_words_for_up()
    {
        _virsh.DomainStates("running (booted)");
        await File.WriteAllTextAsync(Path.Combine(_virsh.StateDirectory, "console.log"), "mount: /new_root: unknown filesystem type '9p'.\n[rootfs ]# \n");
        var handle = _virsh.Handle() with { Initramfs = new InitramfsHints("/etc/initramfs-tools/modules", "sudo update-initramfs -u") };

        var status = await _virsh.Provider().StatusAsync(handle, _virsh.Host, CancellationToken.None);

        Assert.Equal(MachineState.Running, status.State);
        Assert.Contains("9p modules are missing", status.Failure?.Problem, StringComparison.Ordinal);
        Assert.Contains("run `sudo update-initramfs -u` in the guest", status.Failure!.Hint, StringComparison.Ordinal);
        Assert.Null(status.ConsoleTail);
    }

    [Fact]
    public async Task A_machine_whose_domain_is_gone_is_stopped_not_missing()
    {
        var status = await _virsh.Provider().StatusAsync(_virsh.Handle(), _virsh.Host, CancellationToken.None);

        Assert.Equal(MachineState.Stopped, status.State);
        Assert.Contains("no libvirt domain diskless-dev-0b7e4c is defined", status.Detail, StringComparison.Ordinal);
    }
}
