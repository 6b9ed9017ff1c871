using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.ProviderSupport.Tests;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>Start, status and stop against a simulated host: ordering, waits, failure paths and what they leave behind.</summary>
public sealed class LifecycleTests : IDisposable
{
    private static readonly QemuTimings Fast = FastTimings.Value;

    private readonly string _tmp = Directory.CreateTempSubdirectory("qemu-life-").FullName;
    private readonly SimulatedHost _host;
    private readonly QemuDirectProvider _provider;

    public LifecycleTests()
    {
        _host = new SimulatedHost(Path.Combine(_tmp, "data"));
        // A host-owned root's QEMU and virtiofsd run as host root, which only root may signal.
        _provider = new QemuDirectProvider(new NoKvm { IsRoot = true }, Fast);
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string State => Path.Combine(_tmp, "state");

    private string Run => Path.Combine(_tmp, "run");

    private BootPlan Plan(ShareTransport root = ShareTransport.VirtioFs, IReadOnlyList<PortForward>? ports = null) =>
        TestPlans.Plan(
            root,
            stateDirectory: State,
            runtimeDirectory: Run,
            rootPath: Path.Combine(_tmp, "root"),
            extraShares:
            [
                new Share("share1", Path.Combine(_tmp, "project"), "/project", ShareTransport.VirtioFs),
                new Share("share2", Path.Combine(_tmp, "data"), "/data", ShareTransport.NineP, NinePSecurityModel: "mapped-xattr"),
            ],
            ports: ports,
            sshPort: FreePort());

    private string Transcript() => _host.Runner.Transcript.Replace(_tmp, "$TMP", StringComparison.Ordinal);

    [Fact(Timeout = 10000)]
    public async Task Start_runs_each_virtiofsd_before_qemu_and_records_every_pid()
    {
        var plan = Plan();

        var running = await _provider.StartAsync(plan, _host, CancellationToken.None);

        Golden.AssertText(WithoutPorts(Transcript()), "transcripts/start-virtiofs-root-mixed.txt");

        // One virtiofsd per virtiofs share, each serving its own folder, all started before the one QEMU.
        var commands = _host.Runner.Commands.Select(c => (Program: Path.GetFileName(c.ShownProgram), c.FileName, c.Arguments)).ToList();
        var qemu = commands.FindIndex(c => c.Program == "qemu-system-x86_64");
        Assert.Equal(commands.Count - 1, qemu);
        var helpers = commands.Take(qemu).ToList();
        Assert.All(helpers, c => Assert.Equal("virtiofsd", c.Program));
        Assert.Equal(
            plan.Shares.Where(s => s.Transport == ShareTransport.VirtioFs).Select(s => "source=" + s.HostPath),
            helpers.Select(c => c.Arguments.Single(a => a.StartsWith("source=", StringComparison.Ordinal))));

        // The root's virtiofsd runs as it is; every synced folder's under the setuid filter.
        var virtiofs = plan.Shares.Where(s => s.Transport == ShareTransport.VirtioFs).ToList();
        Assert.Equal(
            virtiofs.Select(s => s.IsRoot ? "virtiofsd" : "bash"),
            helpers.Select(c => Path.GetFileName(c.FileName)));
        Assert.All(helpers.Where(c => c.FileName == SetuidGuard.Shell), c => Assert.Equal(SetuidGuard.Script, c.Arguments[1]));
        Assert.Equal("7000", running.Handle.Data["qemuPid"]);
        Assert.Equal("4001,4002", running.Handle.Data["virtiofsdPids"]);
        Assert.Equal(new SshEndpoint("127.0.0.1", plan.SshHostPort), running.Ssh);
        Assert.Equal("tcg", running.Handle.Data["accel"]);
    }

    [Fact(Timeout = 10000)]
    public async Task Start_serves_a_virtiofs_roots_home_apart_with_the_roots_options_and_the_bound_on_held_descriptors()
    {
        var rootPath = Path.Combine(_tmp, "root");
        var home = new Share(Share.HomeTag, Path.Combine(rootPath, "home"), Share.HomeGuestPath, ShareTransport.VirtioFs, PartOfRoot: true);
        var plan = Plan();
        plan = plan with { Shares = [.. plan.Shares, home] };

        var running = await _provider.StartAsync(plan, _host, CancellationToken.None);

        Golden.AssertText(WithoutPorts(Transcript()), "transcripts/start-virtiofs-root-home.txt");

        // Its own virtiofsd, started with the others before QEMU, unfiltered like the root's (the guest's own tree keeps
        // its setuid programs and file capabilities), cached like the root's, and forgetting names at their last use.
        var helpers = _host.Runner.Commands.Where(c => Path.GetFileName(c.ShownProgram) == "virtiofsd").ToList();
        Assert.Equal(3, helpers.Count);
        var served = Assert.Single(helpers, c => c.Arguments.Contains("source=" + home.HostPath));
        Assert.Equal("virtiofsd", Path.GetFileName(served.FileName));
        Assert.All(new[] { "cache=always", "timeout=0", "no_readdirplus", "xattr", "posix_acl" }, o => Assert.Contains(o, served.Arguments));
        Assert.DoesNotContain(served.Arguments, a => a.Contains("modcaps", StringComparison.Ordinal) || a.Contains("xattrmap", StringComparison.Ordinal));
        var root = Assert.Single(helpers, c => c.Arguments.Contains("source=" + rootPath));
        Assert.DoesNotContain("timeout=0", root.Arguments);

        // QEMU has its device under the home tag on the socket that virtiofsd serves; its pid is recorded with the others.
        var qemu = _host.Runner.Commands.Single(c => Path.GetFileName(c.ShownProgram) == "qemu-system-x86_64");
        var device = Assert.Single(QemuArgList.Lists(qemu.Arguments, "-device", "vhost-user-fs-pci"), d => d["tag"] == Share.HomeTag);
        var socket = QemuArgList.Lists(qemu.Arguments, "-chardev", "socket").Single(c => c["id"] == device["chardev"])["path"];
        Assert.Contains($"--socket-path={socket}", served.Arguments);
        Assert.Equal("4001,4002,4003", running.Handle.Data["virtiofsdPids"]);
    }

    [Fact(Timeout = 10000)]
    public async Task Start_boots_the_unpacked_kernel_of_a_bzImage_through_pvh()
    {
        var image = TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf()));
        var plan = WithKernel(Plan(), image);

        await _provider.StartAsync(plan, _host, CancellationToken.None);

        var elf = Path.Combine(_tmp, "data", "cache", "kernels", Convert.ToHexStringLower(SHA256.HashData(image)) + ".elf");
        Assert.Contains($" -kernel {elf} ", _host.Runner.Transcript, StringComparison.Ordinal);
        Assert.Equal(TestKernels.Elf(), await File.ReadAllBytesAsync(elf));
        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("verbose: Unpacked ", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10000)]
    public async Task When_qemu_refuses_an_unpacked_kernel_the_hint_names_the_pvh_setting()
    {
        _host.Runner.Fail("qemu-system-x86_64", 1, "qemu-system-x86_64: Error loading uncompressed kernel without PVH ELF Note");
        var plan = WithKernel(Plan(ShareTransport.NineP), TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf())));

        var unpacked = await Assert.ThrowsAsync<CommandFailedException>(() => _provider.StartAsync(plan, _host, CancellationToken.None));
        var asGiven = await Assert.ThrowsAsync<CommandFailedException>(() => _provider.StartAsync(Plan(ShareTransport.NineP), _host, CancellationToken.None));

        Assert.Contains("pvh = false", unpacked.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("pvh", asGiven.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task With_pvh_off_start_boots_the_bzImage_as_given()
    {
        var plan = WithKernel(Plan(), TestKernels.BzImage(TestKernels.Gzip(TestKernels.Elf())));
        plan = plan with { Provider = TestPlans.Provider(("pvh", false)) };

        await _provider.StartAsync(plan, _host, CancellationToken.None);

        Assert.Contains($" -kernel {plan.Artifacts.KernelPath} ", _host.Runner.Transcript, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_tmp, "data", "cache")));
    }

    private BootPlan WithKernel(BootPlan plan, byte[] kernel)
    {
        var path = Path.Combine(_tmp, "vmlinuz");
        File.WriteAllBytes(path, kernel);
        return plan with { Artifacts = plan.Artifacts with { KernelPath = path } };
    }

    [Fact(Timeout = 10000)]
    public async Task Start_waits_for_the_virtiofsd_socket_before_starting_qemu()
    {
        _host.VirtiofsdBindsSocket = false;
        var socketsPresentWhenQemuStarted = false;
        _host.Runner.On("qemu-system-x86_64", _ =>
        {
            socketsPresentWhenQemuStarted = File.Exists(Path.Combine(Run, "vfs0.sock")) && File.Exists(Path.Combine(Run, "vfs1.sock"));
            return new CommandResult(0, "", "", TimeSpan.Zero);
        });
        var late = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var socket = Path.Combine(Run, $"vfs{i}.sock");
                while (!_host.Runner.Transcript.Contains($"--socket-path={socket}", StringComparison.Ordinal))
                {
                    await Task.Delay(10);
                }

                await Task.Delay(200);
                await File.WriteAllTextAsync(socket, "");
            }
        });

        await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await late;

        Assert.True(socketsPresentWhenQemuStarted);
    }

    [Fact(Timeout = 10000)]
    public async Task A_writable_9p_passthrough_synced_folder_is_refused_before_anything_starts()
    {
        var nineP = new Share("share2", Path.Combine(_tmp, "extra"), "/extra", ShareTransport.NineP);
        var plan = TestPlans.Plan(ShareTransport.VirtioFs, stateDirectory: State, runtimeDirectory: Run, rootPath: Path.Combine(_tmp, "root"), extraShares: [nineP], sshPort: FreePort());

        var error = await Assert.ThrowsAsync<DisklessException>(() => _provider.StartAsync(plan, _host, CancellationToken.None));

        Assert.Contains("'/extra'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Runner.Commands);
        Assert.Equal("", _host.Runner.Transcript);
    }

    [Fact(Timeout = 10000)]
    public async Task When_qemu_fails_every_virtiofsd_started_is_killed_and_qemus_message_shown()
    {
        _host.Runner.Fail("qemu-system-x86_64", 1, "qemu-system-x86_64: -device vhost-user-fs-pci: Failed to write msg. Wrote -1 instead of 12.");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => _provider.StartAsync(Plan(), _host, CancellationToken.None));

        Assert.Contains(error.OutputTail, l => l.Contains("vhost-user-fs-pci", StringComparison.Ordinal));
        Assert.NotNull(error.Hint);
        Assert.Empty(_host.RunningPids);
        Golden.AssertText(WithoutPorts(Transcript()), "transcripts/start-qemu-fails.txt");

        // Both virtiofsd started (pids 4001 and 4002 from the recording runner) got SIGKILL, and nothing else did.
        Assert.Equal(2, _host.Runner.Commands.Count(c => Path.GetFileName(c.ShownProgram) == "virtiofsd"));
        Assert.Equal([("KILL", 4001), ("KILL", 4002)], _host.Signals.Order());
    }

    [Fact(Timeout = 10000)]
    public async Task A_virtiofsd_that_never_opens_its_socket_fails_the_start_with_its_log_and_is_killed()
    {
        _host.VirtiofsdBindsSocket = false;

        var error = await Assert.ThrowsAsync<DisklessException>(() => _provider.StartAsync(Plan(), _host, CancellationToken.None));

        Assert.Contains("did not create", error.Message, StringComparison.Ordinal);
        Assert.Contains("Waiting for vhost-user socket connection", error.Message, StringComparison.Ordinal);
        Assert.Contains("virtiofsd-0.log", error.Hint, StringComparison.Ordinal);
        Assert.Empty(_host.RunningPids);
        Assert.DoesNotContain("qemu-system-x86_64 -name", _host.Runner.Transcript, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Cancelling_while_waiting_for_virtiofsd_leaves_no_process()
    {
        _host.VirtiofsdBindsSocket = false;
        using var cts = new CancellationTokenSource();
        _host.AfterCommand = _ => cts.CancelAfter(50);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _provider.StartAsync(Plan(), _host, cts.Token));

        Assert.Empty(_host.RunningPids);
        Assert.Contains("kill -KILL 4001", _host.Runner.Transcript, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Cancelling_as_qemu_daemonizes_kills_the_qemu_found_by_its_qmp_socket()
    {
        using var cts = new CancellationTokenSource();
        _host.AfterCommand = c =>
        {
            if (c.FileName.EndsWith("qemu-system-x86_64", StringComparison.Ordinal))
            {
                cts.Cancel();
                cts.Token.ThrowIfCancellationRequested();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _provider.StartAsync(Plan(), _host, cts.Token));

        Assert.Empty(_host.RunningPids);
        Assert.Contains("kill -KILL 7000", _host.Runner.Transcript, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_read_only_virtiofs_folder_is_served_behind_a_read_only_bind_and_stopped_like_any_virtiofsd()
    {
        // virtiofsd outliving QEMU, so the stop must find the wrapped one by its pid and command line and end it.
        _host.VirtiofsdExitsWithQemu = false;
        var extra = new Share("share1", Path.Combine(_tmp, "extra"), "/extra", ShareTransport.VirtioFs, ReadOnly: true);
        var plan = TestPlans.Plan(ShareTransport.VirtioFs, stateDirectory: State, runtimeDirectory: Run, rootPath: Path.Combine(_tmp, "root"), extraShares: [extra], sshPort: FreePort());

        var running = await _provider.StartAsync(plan, _host, CancellationToken.None);

        Golden.AssertText(WithoutPorts(Transcript()), "transcripts/start-virtiofs-read-only-folder.txt");

        // The root's virtiofsd as ever; the read-only folder's is the same virtiofsd command under the setuid filter, run
        // as root by the host's unshare with exactly that folder bound read-only.
        var helpers = _host.Runner.Commands.Where(c => !c.FileName.EndsWith("qemu-system-x86_64", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, helpers.Count);
        var virtiofsd = TestPlans.Tcg.Virtiofsd!;
        Assert.Equal(virtiofsd.Path, helpers[0].FileName);
        var expected = ReadOnlyBind.Wrap(
            extra.HostPath,
            SetuidGuard.Wrap(new CommandSpec(virtiofsd.Path, VirtiofsdArgs.Build(extra, Path.Combine(Run, "vfs1.sock"), virtiofsd.Flavour))),
            TestPlans.Tcg.MountNamespace!);
        Assert.Equal([expected.FileName, .. expected.Arguments], [helpers[1].FileName, .. helpers[1].Arguments]);
        Assert.All(helpers, h => Assert.True(h.RequiresRoot));

        // Its pid is recorded like any virtiofsd's (the wrappers exec in place down to bwrap, virtiofsd's parent), and
        // halt finds and ends it.
        Assert.Equal("4001,4002", running.Handle.Data["virtiofsdPids"]);
        await _provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.FromSeconds(60)), _host, CancellationToken.None);
        Assert.Equal([("KILL", 7000), ("TERM", 4001), ("TERM", 4002)], _host.Signals);
        Assert.Empty(_host.RunningPids);
    }

    [Fact(Timeout = 10000)]
    public async Task A_read_only_virtiofs_folder_is_refused_before_any_process_on_a_host_without_unshare()
    {
        _host.UnshareInstalled = false;
        var extra = new Share("share1", Path.Combine(_tmp, "extra"), "/extra", ShareTransport.VirtioFs, ReadOnly: true);
        var plan = TestPlans.Plan(ShareTransport.VirtioFs, stateDirectory: State, runtimeDirectory: Run, rootPath: Path.Combine(_tmp, "root"), extraShares: [extra], sshPort: FreePort());

        var error = await Assert.ThrowsAsync<DisklessException>(() => _provider.StartAsync(plan, _host, CancellationToken.None));

        // Refused, never served writable; and nothing was started that would need stopping.
        Assert.Contains("read_only over virtiofs", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y util-linux", error.Hint, StringComparison.Ordinal);
        Assert.Equal("", _host.Runner.Transcript);
        Assert.Empty(_host.RunningPids);
    }

    [Fact(Timeout = 10000)]
    public async Task A_host_port_in_use_stops_the_start_before_any_process_with_its_number()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => _provider.StartAsync(Plan(ports: [new PortForward(taken, 80)]), _host, CancellationToken.None));

        Assert.Contains($"127.0.0.1:{taken}/tcp", error.Message, StringComparison.Ordinal);
        Assert.Contains("guest port 80", error.Message, StringComparison.Ordinal);
        Assert.Contains($"sport = :{taken}", error.Hint, StringComparison.Ordinal);
        Assert.Equal("", _host.Runner.Transcript);
    }

    [Fact(Timeout = 10000)]
    public async Task A_udp_port_in_use_is_found_with_a_udp_bind()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => _provider.StartAsync(Plan(ports: [new PortForward(taken, 53, "udp")]), _host, CancellationToken.None));

        Assert.Contains($"{taken}/udp", error.Message, StringComparison.Ordinal);
        Assert.Contains("ss -lunp", error.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Starting_a_machine_whose_qemu_still_runs_is_refused_and_touches_nothing()
    {
        await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        var before = _host.Runner.Transcript;

        var error = await Assert.ThrowsAsync<DisklessException>(() => _provider.StartAsync(Plan(), _host, CancellationToken.None));

        Assert.Equal(ExitCodes.WrongMachineState, error.ExitCode);
        Assert.Contains("qemu pid 7000", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _host.Runner.Transcript);
        Assert.True(File.Exists(Path.Combine(State, "qemu.pid")));
    }

    [Fact(Timeout = 10000)]
    public async Task A_virtiofsd_left_from_an_earlier_run_is_killed_before_its_socket_is_reused()
    {
        _host.Add(9999, $"/usr/lib/qemu/virtiofsd --socket-path={Run}/vfs0.sock -o source=/old");

        await _provider.StartAsync(Plan(), _host, CancellationToken.None);

        Assert.False(_host.IsAlive(9999));
        Assert.StartsWith("kill -KILL 9999\n", _host.Runner.Transcript, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_port_forwarded_twice_is_a_configuration_error()
    {
        var port = FreePort();

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => _provider.StartAsync(Plan(ports: [new PortForward(port, 80), new PortForward(port, 81)]), _host, CancellationToken.None));

        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
    }

    [Fact(Timeout = 10000)]
    public async Task A_virtiofs_share_without_virtiofsd_says_how_to_get_one_or_use_9p()
    {
        var provider = new QemuDirectProvider(new NoKvm(), Fast);
        var host = new WithoutVirtiofsd(_host);

        var error = await Assert.ThrowsAsync<DisklessException>(() => provider.StartAsync(Plan(), host, CancellationToken.None));

        Assert.Contains("transport = \"9p\"", error.Hint, StringComparison.Ordinal);
        Assert.Empty(_host.RunningPids);
    }

    [Fact(Timeout = 10000)]
    public async Task Status_follows_the_machine_from_running_to_a_clean_guest_power_off()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);

        var whileRunning = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);
        _host.QemuExitsCleanly(7000, Path.Combine(State, "qemu.pid"));
        var afterPowerOff = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.Running, whileRunning.State);
        Assert.Equal(MachineState.Stopped, afterPowerOff.State);
    }

    [Fact(Timeout = 10000)]
    public async Task A_qemu_that_vanished_without_a_clean_exit_is_crashed_with_the_console_tail()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await File.WriteAllLinesAsync(running.Handle.ConsoleLogPath, ["[    3.1] Run /init as init process", "Kernel panic - not syncing: VFS: Unable to mount root fs"]);

        _host.Exit(7000);
        var status = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.Crashed, status.State);
        Assert.Contains("exited unexpectedly", status.Detail, StringComparison.Ordinal);
        Assert.Equal("Kernel panic - not syncing: VFS: Unable to mount root fs", status.ConsoleTail![^1]);
        // As libvirt's status says it: the cause the console shows, after the crash.
        Assert.Equal("the kernel could not mount the root filesystem", status.Failure?.Problem);
        Assert.EndsWith($"exited unexpectedly; {status.Failure!.Problem}. {status.Failure.Hint}", status.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_guest_stuck_in_its_initramfs_still_runs_and_its_status_names_why_in_its_distros_words()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await File.WriteAllLinesAsync(running.Handle.ConsoleLogPath, ["mount: /new_root: unknown filesystem type 'virtiofs'.", "[rootfs ]# "]);
        var handle = running.Handle with { Initramfs = new InitramfsHints("MODULES in /etc/mkinitcpio.conf", "sudo mkinitcpio -P") };

        var status = await _provider.StatusAsync(handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.Running, status.State);
        Assert.Contains("virtiofs module is missing", status.Failure?.Problem, StringComparison.Ordinal);
        Assert.Contains("run `sudo mkinitcpio -P` in the guest", status.Failure!.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("virtiofs", status.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_reused_pid_that_is_not_our_qemu_does_not_count_as_running()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);

        _host.Exit(7000);
        _host.Add(7000, "/usr/bin/python3 -m http.server");
        var status = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);

        Assert.NotEqual(MachineState.Running, status.State);
    }

    [Fact(Timeout = 10000)]
    public async Task A_virtiofsd_dying_under_a_running_qemu_keeps_it_running_for_halt_but_says_so()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);

        _host.Exit(4002);
        var status = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.Running, status.State);
        Assert.Contains("virtiofsd (pid 4002) exited", status.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_machine_without_a_state_folder_is_not_created()
    {
        var handle = new MachineHandle("dev", "0b7e4c", Path.Combine(_tmp, "nowhere"), Run, Path.Combine(_tmp, "nowhere", "console.log"), new Dictionary<string, string>());

        var status = await _provider.StatusAsync(handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.NotCreated, status.State);
    }

    [Fact(Timeout = 10000)]
    public async Task Stop_powers_the_guest_off_over_qmp_without_killing_anything()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await using var qmp = new FakeQmpServer(Path.Combine(Run, "qmp.sock"));
        qmp.OnCommand = c =>
        {
            if (c == "system_powerdown")
            {
                _ = Task.Delay(100).ContinueWith(_ => _host.QemuExitsCleanly(7000, Path.Combine(State, "qemu.pid")), TaskScheduler.Default);
            }

            return null;
        };

        await _provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromSeconds(5)), _host, CancellationToken.None);

        Assert.Equal(["qmp_capabilities", "system_powerdown"], qmp.Commands);
        Assert.DoesNotContain("kill", Transcript(), StringComparison.Ordinal);
        Assert.Empty(_host.RunningPids);
        Assert.Equal(MachineState.Stopped, (await _provider.StatusAsync(running.Handle, _host, CancellationToken.None)).State);
    }

    [Fact(Timeout = 10000)]
    public async Task A_guest_that_ignores_the_power_button_is_quit_after_the_graceful_timeout()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await using var qmp = new FakeQmpServer(Path.Combine(Run, "qmp.sock"));
        qmp.OnCommand = c =>
        {
            if (c == "quit")
            {
                _host.QemuExitsCleanly(7000, Path.Combine(State, "qemu.pid"));
            }

            return null;
        };

        await _provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromMilliseconds(300)), _host, CancellationToken.None);

        Assert.Equal(["qmp_capabilities", "system_powerdown", "qmp_capabilities", "quit"], qmp.Commands);
        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("warn: The guest did not power off", StringComparison.Ordinal));
        Assert.Empty(_host.RunningPids);
    }

    [Fact(Timeout = 10000)]
    public async Task A_qemu_deaf_to_qmp_is_killed_and_a_lingering_virtiofsd_terminated()
    {
        _host.VirtiofsdExitsWithQemu = false;
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        var startLines = _host.Runner.Transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

        await _provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.FromSeconds(60)), _host, CancellationToken.None);

        var stopTranscript = string.Join('\n', _host.Runner.Transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(startLines)) + "\n";
        Golden.AssertText(stopTranscript, "transcripts/stop-force-without-qmp.txt");

        // QEMU, deaf to QMP, is killed first; then each lingering virtiofsd gets TERM, and TERM is enough.
        Assert.Equal([("KILL", 7000), ("TERM", 4001), ("TERM", 4002)], _host.Signals);
        Assert.Empty(_host.RunningPids);
        Assert.Equal(MachineState.Stopped, (await _provider.StatusAsync(running.Handle, _host, CancellationToken.None)).State);
    }

    [Fact(Timeout = 10000)]
    public async Task A_virtiofsd_still_exiting_after_qemu_is_waited_for()
    {
        _host.VirtiofsdExitsWithQemu = false;
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await using var qmp = new FakeQmpServer(Path.Combine(Run, "qmp.sock"));
        qmp.OnCommand = c =>
        {
            if (c == "quit")
            {
                _host.QemuExitsCleanly(7000, Path.Combine(State, "qemu.pid"));
                _host.BeginExit(4001, lookups: 3);
                _host.BeginExit(4002, lookups: 3);
            }

            return null;
        };

        await _provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.FromSeconds(60)), _host, CancellationToken.None);
        _host.Mark("stop returned");

        // Waited for, not killed: QEMU went by QMP quit and neither exiting virtiofsd got a signal (a KILL or TERM
        // would show here even though the fake lets an exiting process finish its looks anyway)...
        Assert.Empty(_host.Signals);

        // ...and stop returned only once each had gone, which in the fake takes the stopper's own looks.
        var events = _host.Events.ToList();
        Assert.InRange(events.IndexOf("gone 4001"), 0, events.IndexOf("stop returned"));
        Assert.InRange(events.IndexOf("gone 4002"), 0, events.IndexOf("stop returned"));
        Assert.Empty(_host.RunningPids);
    }

    [Fact(Timeout = 10000)]
    public async Task Force_skips_the_power_button()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await using var qmp = new FakeQmpServer(Path.Combine(Run, "qmp.sock"));
        qmp.OnCommand = c =>
        {
            if (c == "quit")
            {
                _host.QemuExitsCleanly(7000, Path.Combine(State, "qemu.pid"));
            }

            return null;
        };

        await _provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.FromSeconds(60)), _host, CancellationToken.None);

        Assert.DoesNotContain("system_powerdown", qmp.Commands);
        Assert.Contains("quit", qmp.Commands);
    }

    [Fact(Timeout = 10000)]
    public async Task Stopping_a_stopped_machine_changes_nothing()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        _host.QemuExitsCleanly(7000, Path.Combine(State, "qemu.pid"));
        var before = _host.Runner.Transcript;

        await _provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromSeconds(60)), _host, CancellationToken.None);

        Assert.Equal(before, _host.Runner.Transcript);
        Assert.Equal(MachineState.Stopped, (await _provider.StatusAsync(running.Handle, _host, CancellationToken.None)).State);
    }

    [Fact(Timeout = 10000)]
    public async Task Destroy_stops_the_machine_and_removes_its_sockets()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);

        await _provider.DestroyAsync(running.Handle, _host, CancellationToken.None);

        Assert.Empty(_host.RunningPids);
        Assert.False(Directory.Exists(Run));
    }

    internal static string WithoutPorts(string transcript) =>
        System.Text.RegularExpressions.Regex.Replace(transcript, @"tcp:127\.0\.0\.1:\d+-:22", "tcp:127.0.0.1:$$SSH-:22");

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal sealed class NoKvm : IHostSystem
    {
        public string? ReadCpuInfo() => "flags\t: fpu sse2\n";

        public KvmDevice ProbeKvmDevice() => KvmDevice.Opens;

        /// <summary>Whether Diskless poses as root; not, by default, whoever runs the tests.</summary>
        public bool IsRoot { get; init; }

        /// <summary>The uid Diskless poses as: root's, or the login uid of <see cref="FakeUserNamespace"/>'s map.</summary>
        public long Uid => IsRoot ? 0 : 1500;

        /// <summary>A fixed limit, whatever the machine running the tests has.</summary>
        public DescriptorLimit? OwnDescriptorLimit => new(1024, 20000);

        public long? NrOpen => 1_048_576;
    }

    private sealed class WithoutVirtiofsd(SimulatedHost inner) : IHostServices
    {
        public ICommandRunner Commands => inner.Commands;

        public IProcessTable Processes => inner.Processes;

        public IChroot Chroot => inner.Chroot;

        public IUserNamespace? Namespace => null;

        public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

        public ITemplates Templates => inner.Templates;

        public IProgressReporter Progress => inner.Progress;

        public HostPaths Paths => inner.Paths;

        public string? FindExecutable(string name, params string[] extraDirectories) =>
            name == "virtiofsd" ? null : inner.FindExecutable(name, extraDirectories);
    }
}
