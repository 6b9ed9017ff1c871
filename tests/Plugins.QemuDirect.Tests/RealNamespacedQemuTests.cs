using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Testing;
using System.Reflection;
using Xunit.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Real QEMU and virtiofsd entered into a real <see cref="NamespaceHolder"/> as root (guest root = the foreign range),
/// booting the test base's kernel over an empty root: the initramfs finds no init and waits, which is all the
/// mechanics need — the processes' ids and capabilities, the console log, QMP and the stop from a later command
/// that has no namespace.
/// </summary>
public sealed class RealNamespacedQemuTests(ITestOutputHelper output, BaseKernelFixture baseKernel) : IClassFixture<BaseKernelFixture>, IDisposable
{
    private const long ProjectOwner = 4321;
    private const long ProjectGroup = 4322;

    // Reachable by guest root (0755): the tree and the folders it serves must be; sockets stay short in /tmp.
    private readonly string _tmp = MakeReachable(Directory.CreateTempSubdirectory("dlns-").FullName);
    private readonly ProcProcessTable _processes = new();

    public void Dispose()
    {
        // The test user's runtime folder lies beside it, under the same unique name.
        foreach (var pid in _processes.FindByCommandLine(Path.GetFileName(_tmp)))
        {
            output.WriteLine($"left-over process {pid}: {_processes.CommandLine(pid)}");
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        Directory.Delete(_tmp, recursive: true);
        if (Directory.Exists(UserRuntime))
        {
            Directory.Delete(UserRuntime, recursive: true);
        }
    }

    // Like /tmp/diskless-UID: directly in /tmp, which everyone may pass.
    private string UserRuntime => Path.Combine("/tmp", Path.GetFileName(_tmp) + "-run");

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", "unshare", "nsenter", "setpriv", Root = true, Timeout = 180000)]
    public async Task Qemu_and_virtiofsd_run_as_guest_root_and_a_later_command_without_the_namespace_stops_them()
    {
        var (map, qemu, helpers) = await RunAsRootAsync(ShareTransport.VirtioFs);

        // Root, the project folder, and a read-only folder behind its bind (nested in the private /run's namespace).
        Assert.Equal(map.SubordinateUidStart, qemu.Uid);
        Assert.Equal(0UL, qemu.CapEff);
        Assert.Equal(3, helpers.Count);
        Assert.All(helpers, h => Assert.Equal(map.SubordinateUidStart, h.Uid));
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", "unshare", "nsenter", "setpriv", Root = true, Timeout = 180000)]
    public async Task With_a_9p_folder_qemu_keeps_guest_roots_capabilities_and_still_runs_as_guest_root()
    {
        var (map, qemu, helpers) = await RunAsRootAsync(ShareTransport.NineP);

        Assert.Equal(map.SubordinateUidStart, qemu.Uid);
        Assert.NotEqual(0UL, qemu.CapEff);
        Assert.Single(helpers);
    }

    // Starts as root in a real holder, drops the holder, then checks and stops as a later command; returns what ran.
    private async Task<(IdMap Map, ProcStatus Qemu, IReadOnlyList<ProcStatus> Helpers)> RunAsRootAsync(ShareTransport synced)
    {
        // The base's own are root's and 0600; a namespaced machine's belong to guest root, as copies readable by it do.
        var (kernel, initrd) = (Readable(baseKernel.Kernel.Kernel), Readable(baseKernel.Kernel.Initrd));
        var project = MakeReachable(Directory.CreateDirectory(Path.Combine(_tmp, "project")).FullName);
        await new CliWrapCommandRunner(new RecordingProgress()).RunAsync(new CommandSpec("chown", $"{ProjectOwner}:{ProjectGroup}", project), CancellationToken.None);
        var identity = HostIdentity.Current();
        var map = MachineIdMaps.ForHost(identity, project)!;
        var plan = Plan(kernel, initrd, project, synced);
        var host = new RealHost(Path.Combine(_tmp, "data"));
        var holder = await NamespaceHolder.StartAsync(map, identity, host.Commands, _processes, Path.Combine(_tmp, "holder"), CancellationToken.None);
        RunningMachine running;
        try
        {
            host.Namespace = holder;
            running = await new QemuDirectProvider().StartAsync(plan, host, CancellationToken.None);
        }
        catch (CommandFailedException e)
        {
            output.WriteLine($"{e.Command}\n{string.Join('\n', e.OutputTail)}");
            throw;
        }
        finally
        {
            // The machine outlives the holder: the namespaces live on in QEMU and virtiofsd.
            await holder.DisposeAsync();
        }

        var data = HandleData.From(running.Handle)!;
        var qemu = ProcStatus.Read(data.QemuPid);
        var helpers = data.VirtiofsdPids.Select(ProcStatus.Read).ToList();
        var booted = await RealQemuTests.WaitForConsoleAsync(plan.ConsoleLogPath, "Linux version", TimeSpan.FromSeconds(60));

        // A later command: a fresh provider, a host without a namespace.
        var later = new RealHost(Path.Combine(_tmp, "data"));
        var provider = new QemuDirectProvider();
        var status = await provider.StatusAsync(running.Handle, later, CancellationToken.None);
        string qmpStatus;
        await using (var qmp = await QmpClient.ConnectAsync(data.QmpSocket, CancellationToken.None))
        {
            qmpStatus = (await qmp.ExecuteAsync("query-status", null, CancellationToken.None)).GetProperty("status").GetString()!;
        }

        await provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromSeconds(2)), later, CancellationToken.None);
        var after = await provider.StatusAsync(running.Handle, later, CancellationToken.None);
        await provider.DestroyAsync(running.Handle, later, CancellationToken.None);

        Assert.True(booted, "the console shows no \"Linux version\"");
        Assert.Equal((0L, 0L), Owner(plan.ConsoleLogPath));
        Assert.Equal(MachineState.Running, status.State);
        Assert.Equal("running", qmpStatus);
        Assert.Equal(MachineState.Stopped, after.State);
        Assert.Empty(_processes.FindByCommandLine(_tmp));
        Assert.False(_processes.IsAlive(holder.Pid));
        Assert.False(Directory.Exists(plan.RuntimeDirectory));
        Assert.DoesNotContain(later.RecordedProgress.Lines.Concat(host.RecordedProgress.Lines), l => l.Contains("sudo", StringComparison.Ordinal));
        return (map, qemu, helpers);
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", "unshare", "nsenter", "setpriv", "newuidmap", "runuser", Root = true, OtherUser = true, Timeout = 180000)]
    public async Task As_an_ordinary_user_the_machine_runs_in_its_range_and_a_later_command_stops_it_without_sudo()
    {
        // The test user's own folder, 0700 like a home: capless QEMU may not pass it, guest root with caps may.
        var uid = TestUser.Uid()!.Value;
        var work = Directory.CreateDirectory(Path.Combine(_tmp, "user")).FullName;
        Directory.CreateDirectory(Path.Combine(work, "root"));
        Directory.CreateDirectory(Path.Combine(work, "project"));
        var kernel = Path.Combine(work, "vmlinuz");
        var initrd = Path.Combine(work, "initrd.img");
        File.Copy(baseKernel.Kernel.Kernel, kernel);
        File.Copy(baseKernel.Kernel.Initrd, initrd);
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        await runner.RunAsync(new CommandSpec("chown", "-R", $"{uid}:{uid}", work), CancellationToken.None);
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // QEMU reopens them through /proc/self/fd, which checks the files' own modes: 0644, as Debian installs a kernel
        // and the kernel cache writes one (a namespaced tree's own belong to guest root).
        File.SetUnixFileMode(kernel, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(initrd, (UnixFileMode)0b110_100_100);

        var argv = TestUser.Run("dotnet", [ProbeDll, work, kernel, initrd, UserRuntime]);
        var result = await runner.RunAsync(new CommandSpec(argv[0], argv[1..]) { SuccessExitCodes = Enumerable.Range(0, 256).ToList() }, CancellationToken.None);
        output.WriteLine(result.StandardOutput + result.StandardError);
        Assert.True(result.ExitCode == 0, $"the probe failed ({result.ExitCode})");
        var seen = System.Text.Json.JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]).RootElement;

        var guestRoot = seen.GetProperty("guestRoot").GetInt64();
        Assert.NotEqual(0, guestRoot);
        Assert.NotEqual(uid, guestRoot);
        Assert.Equal(guestRoot, seen.GetProperty("qemuUid").GetInt64());
        Assert.Equal(0UL, seen.GetProperty("qemuCapEff").GetUInt64());
        Assert.All(seen.GetProperty("helperUids").EnumerateArray(), h => Assert.Equal(guestRoot, h.GetInt64()));
        Assert.True(seen.GetProperty("booted").GetBoolean(), "the console shows no \"Linux version\"");
        Assert.Equal(uid, seen.GetProperty("consoleOwner").GetInt64());
        Assert.Equal("Running", seen.GetProperty("statusBefore").GetString());
        Assert.Equal("running", seen.GetProperty("qmpStatus").GetString());
        Assert.Equal("Stopped", seen.GetProperty("statusAfter").GetString());
        Assert.Equal(0, seen.GetProperty("leftOver").GetInt32());
        Assert.True(seen.GetProperty("runtimeGone").GetBoolean());
        Assert.False(seen.GetProperty("sudoUsed").GetBoolean());
        Assert.Empty(_processes.FindByCommandLine(work));
        Assert.Empty(_processes.FindByCommandLine(UserRuntime));
        Assert.False(Directory.Exists(UserRuntime));
    }

    /// <summary>The fixture program that runs the provider as the test user (tests/Fixtures/QemuNamespaceProbe).</summary>
    internal static string ProbeDll => typeof(RealNamespacedQemuTests).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>()
        .Single(a => a.Key == "QemuNamespaceProbe").Value ?? throw new InvalidOperationException("the test project does not record QemuNamespaceProbe");

    private BootPlan Plan(string kernel, string initrd, string project, ShareTransport synced)
    {
        var root = MakeReachable(Directory.CreateDirectory(Path.Combine(_tmp, "root")).FullName);
        var docs = MakeReachable(Directory.CreateDirectory(Path.Combine(_tmp, "docs")).FullName);
        var state = Path.Combine(_tmp, "state");
        List<Share> shares =
        [
            new Share(Share.RootTag, root, "/", ShareTransport.VirtioFs),
            new Share("share1", project, "/project", synced, NinePSecurityModel: synced == ShareTransport.NineP ? "mapped-xattr" : "passthrough"),
        ];
        if (synced == ShareTransport.VirtioFs)
        {
            shares.Add(new Share("share2", docs, "/docs", ShareTransport.VirtioFs, ReadOnly: true));
        }

        return new BootPlan(
            MachineName: "ns",
            MachineId: Path.GetFileName(_tmp),
            Artifacts: new BootArtifacts(kernel, initrd, "console=ttyS0 root=rootfs rootfstype=virtiofs rootdelay=1"),
            Cpus: 1,
            MemoryMiB: 512,
            Provider: new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            Shares: shares,
            Ports: [],
            SshHostPort: LifecycleTests.FreePort(),
            StateDirectory: state,
            RuntimeDirectory: Path.Combine(_tmp, "rt", "run"),
            ConsoleLogPath: Path.Combine(state, "console.log"));
    }

    private string Readable(string file)
    {
        var copy = Path.Combine(_tmp, Path.GetFileName(file));
        File.Copy(file, copy);
        File.SetUnixFileMode(copy, (UnixFileMode)0b110_100_100);
        return copy;
    }

    private static (long Uid, long Gid) Owner(string path) => FileStatus.Read(path) is { } s ? (s.Uid, s.Gid) : (-1, -1);

    private static string MakeReachable(string folder)
    {
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        return folder;
    }
}
