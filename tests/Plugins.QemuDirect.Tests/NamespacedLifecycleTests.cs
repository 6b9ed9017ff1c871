using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Start, status and stop of a machine whose host has a user namespace: every QEMU and virtiofsd is entered (guest
/// root, never host root, no sudo), QEMU drops its capabilities unless 9p needs them, and a later command without the
/// namespace still finds, signals and stops everything.
/// </summary>
public sealed class NamespacedLifecycleTests : IDisposable
{
    private static readonly QemuTimings Fast = FastTimings.Value;

    private readonly string _tmp = Directory.CreateTempSubdirectory("qemu-ns-").FullName;
    private readonly SimulatedHost _host;
    private readonly FakeUserNamespace _namespace = new();
    private readonly QemuDirectProvider _provider = new(new LifecycleTests.NoKvm(), Fast);

    public NamespacedLifecycleTests()
    {
        _host = new SimulatedHost(Path.Combine(_tmp, "data")) { Namespace = _namespace };
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string State => Path.Combine(_tmp, "state");

    // Its parent is covered by a tmpfs in QEMU's and virtiofsd's mount namespace: nothing else of the test's lies there.
    private string Run => Path.Combine(_tmp, "runtime", "run");

    private string Guest => Path.Combine(Run, MachineFiles.GuestDirectoryName);

    private BootPlan Plan(ShareTransport synced = ShareTransport.VirtioFs, bool readOnly = false) =>
        TestPlans.Plan(
            ShareTransport.VirtioFs,
            stateDirectory: State,
            runtimeDirectory: Run,
            rootPath: Path.Combine(_tmp, "root"),
            extraShares: [new Share("share1", Path.Combine(_tmp, "project"), "/project", synced, ReadOnly: readOnly, NinePSecurityModel: synced == ShareTransport.NineP ? "mapped-xattr" : "passthrough")],
            sshPort: LifecycleTests.FreePort());

    private string Transcript() => _host.Runner.Transcript.Replace(_tmp, "$TMP", StringComparison.Ordinal);

    private List<CommandSpec> Starts(string program) =>
        _host.Runner.Commands.Where(c => c.Arguments.Any(a => Path.GetFileName(a) == program) && !c.Arguments.Contains("--help") && !c.Arguments.Contains("--version")
            && !c.Arguments.Contains("help") && !c.Arguments.Contains("q35,help")).ToList();

    [Fact(Timeout = 10000)]
    public async Task Every_virtiofsd_and_qemu_is_entered_as_guest_root_and_none_asks_for_host_root()
    {
        var plan = Plan();

        var running = await _provider.StartAsync(plan, _host, CancellationToken.None);

        Golden.AssertText(LifecycleTests.WithoutPorts(Transcript()), "transcripts/start-in-namespace-virtiofs.txt");
        Assert.DoesNotContain(_host.Runner.Commands, c => c.RequiresRoot);
        var helpers = Starts("virtiofsd");
        Assert.Equal(2, helpers.Count);
        Assert.All(helpers, c => Assert.Equal("nsenter", c.FileName));

        // virtiofsd: private /run holding the guest folder, its socket inside it, then virtiofsd itself.
        Assert.All(_namespace.Entered.Where(c => c.Arguments.Contains("/usr/lib/qemu/virtiofsd")), c =>
        {
            Assert.Equal("/usr/bin/unshare", c.FileName);
            Assert.Equal(PrivateRunDirectory.Script, c.Arguments[c.Arguments.ToList().IndexOf("-c") + 1]);
            Assert.Equal(Guest, c.Arguments[c.Arguments.ToList().IndexOf(PrivateRunDirectory.ScriptName) + 2]);
            Assert.Equal(Path.GetDirectoryName(Run), c.Arguments[c.Arguments.ToList().IndexOf(PrivateRunDirectory.ScriptName) + 3]);
            Assert.Contains(c.Arguments, a => a.StartsWith($"--socket-path={Guest}/vfs", StringComparison.Ordinal));
        });

        // The synced folder's virtiofsd runs under the setuid filter; the root's does not (the guest needs sudo).
        Assert.True(plan.Shares[0].IsRoot);
        var root = Assert.Single(_namespace.Entered, c => c.Arguments.Contains("source=" + plan.Shares[0].HostPath));
        var synced = Assert.Single(_namespace.Entered, c => c.Arguments.Contains("source=" + plan.Shares[1].HostPath));
        Assert.DoesNotContain(SetuidGuard.ScriptName, root.Arguments);
        Assert.Equal(
            [SetuidGuard.Shell, "-c", SetuidGuard.Script, SetuidGuard.ScriptName, SetuidGuard.PrintfEscapes(SetuidFilter.ForThisHost()), "/usr/lib/qemu/virtiofsd"],
            synced.Arguments.SkipWhile(a => a != SetuidGuard.Shell).Take(6));

        // QEMU: the user's shell opens the console, then nsenter, the private /run, setpriv without any capability.
        var qemu = Assert.Single(Starts("qemu-system-x86_64"));
        Assert.Equal(
            ["-c", NamespacedQemu.OpenerScript, NamespacedQemu.OpenerName, plan.ConsoleLogPath, plan.Artifacts.KernelPath, plan.Artifacts.InitrdPath, "nsenter"],
            qemu.Arguments.Take(7));
        var inner = Assert.Single(_namespace.Entered, c => c.Arguments.Contains("-daemonize"));
        var afterRun = inner.Arguments.SkipWhile(a => a != PrivateRunDirectory.ScriptName).Skip(4).ToList();
        Assert.Equal(["/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs", "--", "/usr/bin/qemu-system-x86_64"], afterRun.Take(6));

        // Its files are in the guest folder; console, kernel and initramfs are descriptors the user opened.
        var args = afterRun.Skip(6).ToList();
        Assert.Equal(Path.Combine(Guest, "qemu.pid"), QemuArgList.ValueOf(args, "-pidfile"));
        Assert.Equal("fd=3,set=1", QemuArgList.ValueOf(args, "-add-fd"));
        Assert.Equal("/proc/self/fd/4", QemuArgList.ValueOf(args, "-kernel"));
        Assert.Equal("/proc/self/fd/5", QemuArgList.ValueOf(args, "-initrd"));
        Assert.Contains("file,id=console,path=/dev/fdset/1", QemuArgList.ValuesOf(args, "-chardev"));
        Assert.Contains($"socket,id=qmp,path={Guest}/qmp.sock,server=on,wait=off", QemuArgList.ValuesOf(args, "-chardev"));
        Assert.Equal(Path.Combine(Guest, "qmp.sock"), running.Handle.Data["qmpSocket"]);
        Assert.Equal(_namespace.Map.Fingerprint, running.Handle.Data[HandleData.UserNamespaceKey]);

        // QEMU's -daemonize sets umask 027: once it runs, guest root opens the QMP socket to the user.
        var last = _host.Runner.Commands[^1];
        Assert.Equal("nsenter", last.FileName);
        Assert.Equal(["chmod", "0666", "--", Path.Combine(Guest, "qmp.sock")], last.Arguments.SkipWhile(a => a != "--").Skip(1));

        // Guest root may create its files there, and the user (who owns it) may remove them.
        Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(Guest));
        Assert.DoesNotContain(_host.Runner.Commands, c => c.FileName == "chown");
    }

    [Fact(Timeout = 10000)]
    public async Task As_root_the_guest_folder_is_handed_to_guest_root_and_the_folders_above_let_it_pass()
    {
        var provider = new QemuDirectProvider(new LifecycleTests.NoKvm { IsRoot = true }, Fast);
        Directory.CreateDirectory(Run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.GetDirectoryName(Run)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await provider.StartAsync(Plan(), _host, CancellationToken.None);

        var chown = Assert.Single(_host.Runner.Commands, c => c.FileName == "chown");
        Assert.Equal(["--", "100000:100000", Guest], chown.Arguments);
        Assert.False(chown.RequiresRoot);
        Assert.True(_host.Runner.Commands.IndexOf(chown) < _host.Runner.Commands.FindIndex(c => c.Arguments.Contains("nsenter") || c.FileName == "nsenter"));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Guest));
        Assert.Equal((UnixFileMode)0b111_000_001, File.GetUnixFileMode(Run));
        Assert.Equal((UnixFileMode)0b111_000_001, File.GetUnixFileMode(Path.GetDirectoryName(Run)!));
    }

    [Fact(Timeout = 10000)]
    public async Task Qemu_keeps_its_capabilities_when_a_9p_share_needs_them()
    {
        await _provider.StartAsync(Plan(ShareTransport.NineP), _host, CancellationToken.None);

        var inner = Assert.Single(_namespace.Entered, c => c.Arguments.Contains("-daemonize"));
        var afterRun = inner.Arguments.SkipWhile(a => a != PrivateRunDirectory.ScriptName).Skip(4).ToList();
        Assert.Equal("/usr/bin/qemu-system-x86_64", afterRun[0]);
        Assert.DoesNotContain(inner.Arguments, a => a.Contains("setpriv", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 10000)]
    public async Task A_read_only_folder_gets_its_bind_around_the_private_run()
    {
        var plan = Plan(readOnly: true);

        await _provider.StartAsync(plan, _host, CancellationToken.None);

        var helper = Assert.Single(_namespace.Entered, c => c.Arguments.Contains("source=" + plan.Shares[1].HostPath));
        var words = helper.Arguments.ToList();
        Assert.Equal("/usr/bin/unshare", helper.FileName);
        Assert.Equal(ReadOnlyBind.Script, words[words.IndexOf("-c") + 1]);
        Assert.Contains(PrivateRunDirectory.Script, words);
        Assert.Equal(SetuidGuard.Script, words[words.LastIndexOf("-c") + 1]);
        Assert.True(words.IndexOf(ReadOnlyBind.ScriptName) < words.IndexOf(PrivateRunDirectory.ScriptName));
        // The setuid filter innermost: bwrap binds "/" once the private /run and the read-only bind are in place.
        Assert.True(words.IndexOf(PrivateRunDirectory.ScriptName) < words.IndexOf(SetuidGuard.ScriptName));
    }

    [Fact(Timeout = 10000)]
    public async Task A_later_command_without_the_namespace_sees_it_running_and_stops_everything_without_sudo()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        _host.Namespace = null;
        _host.VirtiofsdExitsWithQemu = false;

        var status = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);
        await _provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), _host, CancellationToken.None);
        var after = await _provider.StatusAsync(running.Handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.Running, status.State);
        Assert.Empty(_host.RunningPids);
        Assert.Equal(MachineState.Stopped, after.State);
        var kills = _host.Runner.Commands.Where(c => c.FileName == "kill").ToList();
        Assert.Contains(kills, k => k.Arguments[^1] == "7000");
        Assert.Contains(kills, k => k.Arguments[^1] == "4001");
        Assert.DoesNotContain(kills, k => k.RequiresRoot);
    }

    [Fact(Timeout = 10000)]
    public async Task The_stopper_asks_qmp_in_the_guest_folder_and_destroy_removes_what_guest_root_left()
    {
        var running = await _provider.StartAsync(Plan(), _host, CancellationToken.None);
        await using (var qmp = new FakeQmpServer(Path.Combine(Guest, "qmp.sock")))
        {
            qmp.OnCommand = c =>
            {
                if (c == "system_powerdown")
                {
                    _host.QemuExitsCleanly(7000, Path.Combine(Guest, "qemu.pid"));
                }

                return null;
            };

            await _provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromSeconds(5)), _host, CancellationToken.None);
            Assert.Equal(["qmp_capabilities", "system_powerdown"], qmp.Commands);
        }

        Assert.Equal(MachineState.Stopped, (await _provider.StatusAsync(running.Handle, _host, CancellationToken.None)).State);
        await _provider.DestroyAsync(running.Handle, _host, CancellationToken.None);
        Assert.False(Directory.Exists(Run));
    }

    [Fact(Timeout = 10000)]
    public async Task A_share_beside_the_runtime_folder_is_refused_since_its_parent_is_covered()
    {
        var plan = Plan() with { Shares = [.. Plan().Shares, new Share("share2", Path.Combine(_tmp, "runtime", "x"), "/x", ShareTransport.VirtioFs)] };

        var error = await Assert.ThrowsAsync<DisklessException>(() => _provider.StartAsync(plan, _host, CancellationToken.None));

        Assert.Contains(Path.Combine(_tmp, "runtime"), error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.RunningPids);
    }

    [Fact(Timeout = 10000)]
    public async Task When_qemu_fails_every_entered_virtiofsd_is_killed_without_sudo()
    {
        _host.Runner.Fail("sh", 1, "qemu-system-x86_64: -device vhost-user-fs-pci: Failed to write msg.", "-daemonize");

        await Assert.ThrowsAsync<CommandFailedException>(() => _provider.StartAsync(Plan(), _host, CancellationToken.None));

        Assert.Empty(_host.RunningPids);
        Assert.Equal([("KILL", 4001), ("KILL", 4002)], _host.Signals.Order());
        Assert.DoesNotContain(_host.Runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 10000)]
    public async Task A_share_in_run_is_refused_before_any_process_starts()
    {
        var plan = Plan() with { Shares = [.. Plan().Shares, new Share("share2", "/run/media/stick", "/stick", ShareTransport.NineP, ReadOnly: true)] };

        var error = await Assert.ThrowsAsync<DisklessException>(() => _provider.StartAsync(plan, _host, CancellationToken.None));

        Assert.Contains("/run/media/stick", error.Message, StringComparison.Ordinal);
        Assert.Empty(Starts("virtiofsd"));
        Assert.Empty(_host.RunningPids);
    }
}
