using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// A process is a machine's only by its owner and a whole argv element naming the machine's own socket, and nothing is
/// signalled through sudo: against the simulated host, whose process table holds the machine's processes and others'.
/// </summary>
public sealed class MachineProcessesTests : IDisposable
{
    private static readonly QemuTimings Fast = FastTimings.Value;

    private const int SomeoneElse = 1234;

    private readonly string _tmp = Directory.CreateTempSubdirectory("qemu-procs-").FullName;
    private readonly SimulatedHost _host;
    private readonly FakeUserNamespace _namespace = new();

    public MachineProcessesTests()
    {
        _host = new SimulatedHost(Path.Combine(_tmp, "data")) { Namespace = _namespace };
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string Run => Path.Combine(_tmp, "runtime", "run");

    private BootPlan Plan() =>
        TestPlans.Plan(
            ShareTransport.VirtioFs,
            stateDirectory: Path.Combine(_tmp, "state"),
            runtimeDirectory: Run,
            rootPath: Path.Combine(_tmp, "root"),
            sshPort: LifecycleTests.FreePort());

    private static QemuDirectProvider Provider(bool asRoot = false) => new(new LifecycleTests.NoKvm { IsRoot = asRoot }, Fast);

    [Fact]
    public void An_empty_or_relative_runtime_folder_matches_no_process_at_all()
    {
        var table = new SimulatedHost();
        table.Add(500, ["/usr/bin/anything", "--socket-path=vfs0.sock", QemuArgs.QmpChardev(new MachineFiles("", ""))], owner: 0);

        foreach (var runtime in new[] { "", "run", "./run" })
        {
            var machine = new MachineProcesses(new MachineFiles("/state", runtime), Owner: 0);

            Assert.Empty(machine.FindQemu(table));
            Assert.Empty(machine.FindVirtiofsd(table));
            Assert.False(machine.IsQemuRunning(table, 500));
            Assert.Empty(machine.LiveHelpers(table, [500]));
        }
    }

    [Fact]
    public void An_empty_qmp_socket_in_the_record_is_ignored_for_the_one_of_the_runtime_folder()
    {
        var handle = new MachineHandle("dev", "id", "/state", "/run/diskless/abc", "/state/console.log", new Dictionary<string, string>
        {
            ["qemuPid"] = "7000",
            ["qmpSocket"] = "",
        });

        var data = HandleData.From(handle)!;

        Assert.Equal("/run/diskless/abc/qmp.sock", data.QmpSocket);
    }

    [Fact(Timeout = 10000)]
    public async Task A_record_naming_an_empty_qmp_socket_and_another_process_neither_sees_it_running_nor_signals_it()
    {
        var running = await Provider().StartAsync(Plan(), _host, CancellationToken.None);
        _host.Exit(7000);
        _host.Add(7000, ["/usr/bin/python3", "-m", "http.server"], SimulatedHost.GuestRootUid);
        var data = running.Handle.Data.ToDictionary(p => p.Key, p => p.Value);
        data["qmpSocket"] = "";
        var tampered = running.Handle with { Data = data };

        var status = await Provider().StatusAsync(tampered, _host, CancellationToken.None);
        await Provider().StopAsync(tampered, new StopOptions(Force: true, TimeSpan.Zero), _host, CancellationToken.None);

        Assert.NotEqual(MachineState.Running, status.State);
        Assert.DoesNotContain(_host.Signals, s => s.Pid == 7000);
        Assert.True(_host.IsAlive(7000));
    }

    [Fact(Timeout = 10000)]
    public async Task A_process_of_another_owner_with_the_machines_exact_argv_is_not_the_machines()
    {
        var running = await Provider().StartAsync(Plan(), _host, CancellationToken.None);
        var argv = _host.Argv(7000)!;
        _host.Exit(7000);
        _host.Add(7000, argv, SomeoneElse);
        _host.Add(7100, argv, SomeoneElse);

        var status = await Provider().StatusAsync(running.Handle, _host, CancellationToken.None);
        var restart = Record.ExceptionAsync(() => Provider().StartAsync(Plan(), _host, CancellationToken.None));
        await Provider().StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), _host, CancellationToken.None);

        Assert.NotEqual(MachineState.Running, status.State);
        Assert.Null(await restart); // not refused as "already running", and nothing of the other user's killed on the way
        Assert.DoesNotContain(_host.Signals, s => s.Pid is 7000 or 7100);
        Assert.True(_host.IsAlive(7000));
        Assert.True(_host.IsAlive(7100));
    }

    [Fact(Timeout = 10000)]
    public async Task A_process_naming_the_machines_sockets_only_inside_longer_words_is_not_the_machines()
    {
        var running = await Provider().StartAsync(Plan(), _host, CancellationToken.None);
        var files = MachineFiles.For(running.Handle);
        _host.Exit(7000);
        _host.Add(7000, ["/usr/bin/qemu-system-x86_64", "-chardev", QemuArgs.QmpChardev(files) + ",logfile=/x"], SimulatedHost.GuestRootUid);
        _host.Add(9000, ["/usr/lib/qemu/virtiofsd", "--socket-path=" + files.VirtiofsdSocket(0) + ".old"], SimulatedHost.GuestRootUid);
        _host.Add(9001, ["/usr/lib/qemu/virtiofsd", "--socket-path", Path.Combine(Run + "-other", "guest", "vfs0.sock")], SimulatedHost.GuestRootUid);
        _host.Add(9002, ["/bin/echo", "--socket-path=" + files.VirtiofsdSocket(0), "x"], SimulatedHost.GuestRootUid);

        var status = await Provider().StatusAsync(running.Handle, _host, CancellationToken.None);
        var machine = MachineProcesses.For(running.Handle);

        Assert.NotEqual(MachineState.Running, status.State);
        Assert.Empty(machine.FindQemu(_host));
        Assert.Equal([9002], machine.FindVirtiofsd(_host)); // the whole element, whatever the program: the socket is the machine's
    }

    [Fact(Timeout = 10000)]
    public async Task A_namespaced_machine_is_found_by_guest_roots_host_uid_and_stopped_without_sudo()
    {
        var running = await Provider().StartAsync(Plan(), _host, CancellationToken.None);
        _host.Namespace = null;
        _host.VirtiofsdExitsWithQemu = false;

        await Provider().StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), _host, CancellationToken.None);

        Assert.Equal(SimulatedHost.GuestRootUid, _namespace.Map.ToHost(0));
        Assert.Contains(_host.Signals, s => s.Pid == 7000);
        Assert.Empty(_host.RunningPids);
        Assert.DoesNotContain("[root]", _host.Runner.Transcript.Split('\n').Where(l => l.Contains("kill", StringComparison.Ordinal)).Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.DoesNotContain("sudo", _host.Runner.Transcript, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_pid_that_goes_to_another_process_of_the_same_owner_while_quit_is_awaited_is_left_alone()
    {
        var running = await Provider().StartAsync(Plan(), _host, CancellationToken.None);
        var files = MachineFiles.For(running.Handle);
        await using var qmp = new FakeQmpServer(files.QmpSocket);
        qmp.OnCommand = c =>
        {
            if (c == "quit")
            {
                // QEMU goes, and its pid is taken by another process of guest root's uid (another machine's guest).
                _host.Exit(7000);
                _host.Add(7000, ["/usr/bin/some-other-program"], SimulatedHost.GuestRootUid);
            }

            return null;
        };

        await Provider().StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), _host, CancellationToken.None);

        Assert.Equal(["qmp_capabilities", "quit"], qmp.Commands);
        Assert.DoesNotContain(_host.Signals, s => s.Pid == 7000);
        Assert.True(_host.IsAlive(7000));
    }

    [Fact(Timeout = 10000)]
    public async Task A_namespaced_machine_handed_no_id_map_finds_no_process_of_its_own()
    {
        var running = await Provider().StartAsync(Plan(), _host, CancellationToken.None);

        var status = await Provider().StatusAsync(running.Handle with { IdMap = null }, _host, CancellationToken.None);

        Assert.NotEqual(MachineState.Running, status.State);
    }

    [Fact(Timeout = 10000)]
    public async Task A_host_root_qemu_is_never_signalled_through_sudo_but_reported_with_the_command_that_stops_it()
    {
        var host = new SimulatedHost(Path.Combine(_tmp, "data2"));
        var running = await Provider(asRoot: true).StartAsync(Plan(), host, CancellationToken.None);
        var startLines = host.Runner.Transcript.Length;

        var error = await Assert.ThrowsAsync<DisklessException>(
            () => Provider(asRoot: false).StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), host, CancellationToken.None));

        Assert.Contains("pid 7000", error.Message, StringComparison.Ordinal);
        Assert.Contains("never signals a process through sudo", error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo kill -KILL 7000", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("kill", host.Runner.Transcript[startLines..], StringComparison.Ordinal);
        Assert.Empty(host.Signals);
        Assert.True(host.IsAlive(7000));
    }
}
