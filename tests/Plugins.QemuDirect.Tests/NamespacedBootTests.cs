using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.ProviderSupport;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Plugins.Debian;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// A whole Debian machine booted to SSH twice from one configured copy of the test base: first host-owned, as root
/// (today's path), then shifted into root's foreign range and run in a real <see cref="NamespaceHolder"/>. The
/// namespaced boot is checked from every side at once (one boot, many assertions): who QEMU and virtiofsd run as, what
/// QEMU may do, that the guest reached multi-user, who owns what it writes in the synced folder, and that a later
/// command without the holder sees it running and stops it leaving nothing. Both boots are timed to SSH.
/// </summary>
public sealed class NamespacedBootTests(ITestOutputHelper output)
{
    private const int FortyMinutes = 40 * 60 * 1000;
    private const long ProjectOwner = 4321;
    private const long ProjectGroup = 4322;

    // TCG on a busy 2-core host reached SSH in 20-120 s: ten times the slow end.
    private static readonly TimeSpan SshTimeout = TimeSpan.FromMinutes(20);

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", "unshare", "nsenter", "setpriv", "ssh", "ssh-keygen", Root = true, Timeout = FortyMinutes)]
    public async Task A_debian_machine_in_the_namespace_runs_as_the_range_reaches_multi_user_and_is_stopped_by_a_later_command()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(38));
        var ct = cancel.Token;
        var processes = new ProcProcessTable();

        // Under the test home (0755 up to /): guest root must reach tree and project; sockets stay short in /tmp.
        var folder = Reachable(Path.Combine(DebianTestBase.Home, "ns-qemu-" + Guid.NewGuid().ToString("n")[..12]));
        // Like /run: passable by all, so root's machine folder and the one above it (made 0711) are all guest root needs.
        var runtime = Reachable(Directory.CreateTempSubdirectory("dlnb-").FullName);
        var tree = Path.Combine(folder, "root");
        var project = Reachable(Path.Combine(folder, "project"));
        var host = new RealHost(Path.Combine(folder, "data"));
        try
        {
            await host.Commands.RunAsync(new CommandSpec("chown", $"{ProjectOwner}:{ProjectGroup}", project), ct);
            var (keys, identity) = await IdentityAsync(host.Commands, Reachable(Path.Combine(folder, "keys")), ct);
            var basePath = await DebianTestBase.EnsureAsync(output.WriteLine, ct);
            var clock = Stopwatch.StartNew();
            await RootCloner.CloneAsync(basePath, tree, host.Commands, host.Progress, ct);
            var shares = new[]
            {
                new Share(Share.RootTag, tree, "/", ShareTransport.VirtioFs),
                new Share("sync0", project, "/project", ShareTransport.VirtioFs),
            };
            var artifacts = await new DebianDistro().ConfigureAsync(
                new ConfigureRequest(new MachineRoot(tree), Machine(project), shares, identity, UserNetwork.Describe(), GuestHasRun: false), host, ct);
            output.WriteLine($"clone + configure: {clock.Elapsed.TotalSeconds:0} s; command line: {artifacts.KernelCommandLine}");

            // 1. Today's path: host-owned tree, QEMU and virtiofsd as host root.
            var hostOwned = Plan(artifacts, shares, Path.Combine(folder, "state-host"), Path.Combine(runtime, "host", "run"));
            var hostSeconds = await BootToSshAsync(new QemuDirectProvider(), hostOwned, host, keys, ct);
            output.WriteLine($"host-owned root: SSH after {hostSeconds:0.0} s");
            await new QemuDirectProvider().StopAsync(Handle!, new StopOptions(Force: false, TimeSpan.FromMinutes(2)), host, ct);

            // 2. The same tree in root's range, a first boot again (machine-id emptied as configure left it).
            var identityNow = HostIdentity.Current();
            var map = MachineIdMaps.ForHost(identityNow, project)!;
            await File.WriteAllTextAsync(Path.Combine(tree, "etc/machine-id"), "", ct);
            clock.Restart();
            var shifted = TreeIdShift.Shift(tree, map);
            output.WriteLine($"shifted {shifted} entries into {map.SubordinateUidStart} in {clock.Elapsed.TotalSeconds:0.0} s");

            var plan = Plan(artifacts, shares, Path.Combine(folder, "state-ns"), Path.Combine(runtime, "ns", "run"));
            var holder = await NamespaceHolder.StartAsync(map, identityNow, host.Commands, processes, Path.Combine(runtime, "holder"), ct);
            double nsSeconds;
            HandleData data;
            try
            {
                host.Namespace = holder;
                nsSeconds = await BootToSshAsync(new QemuDirectProvider(), plan, host, keys, ct);
                data = HandleData.From(Handle!)!;
            }
            finally
            {
                host.Namespace = null;
                await holder.DisposeAsync();
            }

            output.WriteLine($"namespaced root: SSH after {nsSeconds:0.0} s (host-owned: {hostSeconds:0.0} s)");
            var qemu = ProcStatus.Read(data.QemuPid);
            var helpers = data.VirtiofsdPids.Select(ProcStatus.Read).ToList();
            var systemState = await SshAsync(keys, plan.SshHostPort, "systemctl is-system-running --wait; systemctl is-active multi-user.target", ct);
            await SshAsync(keys, plan.SshHostPort, "touch /project/from-guest-user && sudo -n touch /project/from-guest-root && sudo -n touch /from-guest-root", ct);
            output.WriteLine($"guest: {systemState.Replace('\n', ' ')}");

            // A later command: a fresh provider on a host without the namespace, its holder gone.
            var later = new RealHost(Path.Combine(folder, "data"));
            var provider = new QemuDirectProvider();
            var status = await provider.StatusAsync(Handle!, later, ct);
            await provider.StopAsync(Handle!, new StopOptions(Force: false, TimeSpan.FromMinutes(2)), later, ct);
            var after = await provider.StatusAsync(Handle!, later, ct);
            await provider.DestroyAsync(Handle!, later, ct);

            Assert.InRange(qemu.Uid, map.SubordinateUidStart, map.SubordinateUidStart + IdMap.GuestIdCount - 1);
            Assert.Equal(map.SubordinateUidStart, qemu.Uid);
            Assert.Equal(0UL, qemu.CapEff);
            Assert.Equal(2, helpers.Count);
            Assert.All(helpers, h => Assert.Equal(map.SubordinateUidStart, h.Uid));
            Assert.Contains("active", systemState.Split('\n').Last(), StringComparison.Ordinal);
            Assert.Matches("^(running|degraded)$", systemState.Split('\n')[0]);
            Assert.Equal((map.LoginUid, map.LoginGid), Owner(Path.Combine(project, "from-guest-user")));
            Assert.Equal((map.SubordinateUidStart, map.SubordinateGidStart), Owner(Path.Combine(project, "from-guest-root")));
            Assert.Equal((map.SubordinateUidStart, map.SubordinateGidStart), Owner(Path.Combine(tree, "from-guest-root")));
            Assert.Equal((0L, 0L), Owner(plan.ConsoleLogPath));
            Assert.Equal(MachineState.Running, status.State);
            Assert.Equal(MachineState.Stopped, after.State);
            Assert.False(processes.IsAlive(data.QemuPid));
            Assert.All(data.VirtiofsdPids, pid => Assert.False(processes.IsAlive(pid)));
            Assert.Empty(processes.FindByCommandLine(runtime));
            Assert.Empty(processes.FindByCommandLine(folder));
        }
        finally
        {
            foreach (var pid in processes.FindByCommandLine(runtime).Concat(processes.FindByCommandLine(folder)).Distinct())
            {
                output.WriteLine($"left-over process {pid}: {processes.CommandLine(pid)}");
                await host.Commands.RunAsync(new CommandSpec("kill", "-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) { SuccessExitCodes = [0, 1] }, CancellationToken.None);
            }

            if (Directory.Exists(tree))
            {
                await FolderRemover.RemoveAsync(tree, folder, host.Commands, CancellationToken.None);
            }

            Directory.Delete(folder, recursive: true);
            Directory.Delete(runtime, recursive: true);
        }
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", "unshare", "nsenter", "setpriv", "newuidmap", "runuser", "ssh", "ssh-keygen", Root = true, OtherUser = true, Timeout = FortyMinutes)]
    public async Task As_the_test_user_a_debian_machine_in_its_range_reaches_multi_user_and_a_later_command_stops_it()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(38));
        var ct = cancel.Token;
        var processes = new ProcProcessTable();
        var uid = TestUser.Uid()!.Value;
        var folder = Reachable(Path.Combine(DebianTestBase.Home, "ns-qemu-user-" + Guid.NewGuid().ToString("n")[..12]));
        var tree = Path.Combine(folder, "root");

        // The user's own folder (0700, like a home) with the project in it; the runtime folder as in /tmp/diskless-UID.
        var work = Directory.CreateDirectory(Path.Combine(folder, "work")).FullName;
        var project = Directory.CreateDirectory(Path.Combine(work, "project")).FullName;
        var runtime = Path.Combine("/tmp", Path.GetFileName(folder) + "-run");
        var go = Path.Combine(work, "go");
        var host = new RealHost(Path.Combine(folder, "data"));
        System.Diagnostics.Process? probe = null;
        try
        {
            var (keys, identity) = await IdentityAsync(host.Commands, Reachable(Path.Combine(folder, "keys")), ct);
            var basePath = await DebianTestBase.EnsureAsync(output.WriteLine, ct);
            await RootCloner.CloneAsync(basePath, tree, host.Commands, host.Progress, ct);
            var shares = new[]
            {
                new Share(Share.RootTag, tree, "/", ShareTransport.VirtioFs),
                new Share("sync0", project, "/project", ShareTransport.VirtioFs),
            };
            var artifacts = await new DebianDistro().ConfigureAsync(
                new ConfigureRequest(new MachineRoot(tree), Machine(project), shares, identity, UserNetwork.Describe(), GuestHasRun: false), host, ct);
            var user = new HostIdentity(TestUser.Name, uid, uid);
            var map = MachineIdMaps.ForUser(
                user,
                SubordinateIds.Read(SubordinateIds.UidFile, user.Name, user.Uid),
                SubordinateIds.Read(SubordinateIds.GidFile, user.Name, user.Uid))!;
            TreeIdShift.Shift(tree, map);
            await host.Commands.RunAsync(new CommandSpec("chown", "-R", $"{uid}:{uid}", work), ct);
            File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var argv = TestUser.Run("dotnet", [RealNamespacedQemuTests.ProbeDll, work, artifacts.KernelPath, artifacts.InitrdPath, runtime, tree, artifacts.KernelCommandLine, go]);
            var info = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in argv[1..])
            {
                info.ArgumentList.Add(argument);
            }

            var clock = Stopwatch.StartNew();
            probe = System.Diagnostics.Process.Start(info)!;
            var stderr = probe.StandardError.ReadToEndAsync(ct);
            var first = await probe.StandardOutput.ReadLineAsync(ct);
            Assert.True(first is not null && first.Contains("started", StringComparison.Ordinal), $"the probe did not start the machine: {first}\n{(probe.HasExited ? await stderr : "")}");
            var sshPort = System.Text.Json.JsonDocument.Parse(first!).RootElement.GetProperty("sshPort").GetInt32();
            var seconds = await WaitForSshAsync(keys, sshPort, clock, ct);
            output.WriteLine($"test user, namespaced root: SSH after {seconds:0.0} s");
            var systemState = await SshAsync(keys, sshPort, "systemctl is-system-running --wait; systemctl is-active multi-user.target", ct);
            await SshAsync(keys, sshPort, "touch /project/from-guest-user && sudo -n touch /project/from-guest-root", ct);
            await File.WriteAllTextAsync(go, "", ct);
            var last = await probe.StandardOutput.ReadLineAsync(ct);
            await probe.WaitForExitAsync(ct);
            output.WriteLine($"guest: {systemState.Replace('\n', ' ')}; probe: {last}\n{await stderr}");
            var seen = System.Text.Json.JsonDocument.Parse(last!).RootElement;

            Assert.Equal(0, probe.ExitCode);
            Assert.Equal(map.SubordinateUidStart, seen.GetProperty("guestRoot").GetInt64());
            Assert.Equal(map.SubordinateUidStart, seen.GetProperty("qemuUid").GetInt64());
            Assert.Equal(0UL, seen.GetProperty("qemuCapEff").GetUInt64());
            Assert.All(seen.GetProperty("helperUids").EnumerateArray(), h => Assert.Equal(map.SubordinateUidStart, h.GetInt64()));
            Assert.Matches("^(running|degraded)$", systemState.Split('\n')[0]);
            Assert.Equal("active", systemState.Split('\n')[^1]);
            Assert.Equal((map.LoginUid, map.LoginGid), Owner(Path.Combine(project, "from-guest-user")));
            Assert.Equal((map.SubordinateUidStart, map.SubordinateGidStart), Owner(Path.Combine(project, "from-guest-root")));
            Assert.Equal(uid, seen.GetProperty("consoleOwner").GetInt64());
            Assert.Equal("Running", seen.GetProperty("statusBefore").GetString());
            Assert.Equal("Stopped", seen.GetProperty("statusAfter").GetString());
            Assert.Equal(0, seen.GetProperty("leftOver").GetInt32());
            Assert.False(seen.GetProperty("sudoUsed").GetBoolean());
            Assert.Empty(processes.FindByCommandLine(folder));
            Assert.Empty(processes.FindByCommandLine(runtime));
        }
        finally
        {
            if (probe is { HasExited: false })
            {
                probe.Kill(entireProcessTree: true);
            }

            foreach (var pid in processes.FindByCommandLine(folder).Concat(processes.FindByCommandLine(runtime)).Distinct())
            {
                output.WriteLine($"left-over process {pid}: {processes.CommandLine(pid)}");
                await host.Commands.RunAsync(new CommandSpec("kill", "-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) { SuccessExitCodes = [0, 1] }, CancellationToken.None);
            }

            if (Directory.Exists(tree))
            {
                await FolderRemover.RemoveAsync(tree, folder, host.Commands, CancellationToken.None);
            }

            Directory.Delete(folder, recursive: true);
            if (Directory.Exists(runtime))
            {
                Directory.Delete(runtime, recursive: true);
            }
        }
    }

    private MachineHandle? Handle { get; set; }

    private async Task<double> BootToSshAsync(QemuDirectProvider provider, BootPlan plan, RealHost host, string keys, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            Handle = (await provider.StartAsync(plan, host, ct)).Handle;
        }
        catch (CommandFailedException e)
        {
            output.WriteLine($"{e.Command}\n{string.Join('\n', e.OutputTail)}");
            throw;
        }

        try
        {
            return await WaitForSshAsync(keys, plan.SshHostPort, clock, ct);
        }
        catch (TimeoutException)
        {
            output.WriteLine(string.Join('\n', await LogTail.ReadAsync(plan.ConsoleLogPath, 30, ct)));
            throw;
        }
    }

    private static async Task<double> WaitForSshAsync(string keys, int port, Stopwatch clock, CancellationToken ct)
    {
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var deadline = DateTime.UtcNow + SshTimeout;
        while (true)
        {
            var probe = await runner.RunAsync(Ssh(keys, port, "true") with { SuccessExitCodes = Enumerable.Range(0, 256).ToList() }, ct);
            if (probe.ExitCode == 0)
            {
                return clock.Elapsed.TotalSeconds;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no SSH within {SshTimeout.TotalMinutes:0} min");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private static async Task<string> SshAsync(string keys, int port, string command, CancellationToken ct) =>
        (await new CliWrapCommandRunner(new RecordingProgress()).RunAsync(Ssh(keys, port, command) with { SuccessExitCodes = [0, 1] }, ct)).StandardOutput.Trim();

    private static CommandSpec Ssh(string keys, int port, string command) =>
        new("ssh",
            "-i", Path.Combine(keys, "id_ed25519"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR",
            "diskless@127.0.0.1", command);

    private static MachineSpec Machine(string project) =>
        new("dev", project, Path.Combine(project, "Disklessfile"), 2, 1024, DebianTestBase.DefaultSpec,
            new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            new ShareSpec(ShareTransport.VirtioFs), [], [], [], TimeSpan.FromMinutes(5));

    private static BootPlan Plan(BootArtifacts artifacts, IReadOnlyList<Share> shares, string state, string runtime) =>
        new(
            MachineName: "dev",
            MachineId: Path.GetFileName(Path.GetDirectoryName(state)!),
            Artifacts: artifacts,
            Cpus: 2,
            MemoryMiB: 1024,
            Provider: new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            Shares: shares,
            Ports: [],
            SshHostPort: LifecycleTests.FreePort(),
            StateDirectory: state,
            RuntimeDirectory: runtime,
            ConsoleLogPath: Path.Combine(state, "console.log"));

    private static async Task<(string Folder, GuestIdentity Identity)> IdentityAsync(ICommandRunner runner, string folder, CancellationToken ct)
    {
        var hostKey = Path.Combine(folder, "ssh_host_ed25519_key");
        var userKey = Path.Combine(folder, "id_ed25519");
        await runner.RunAsync(new CommandSpec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dev-host", "-f", hostKey), ct);
        await runner.RunAsync(new CommandSpec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "diskless@dev", "-f", userKey), ct);
        return (folder, new GuestIdentity("diskless", File.ReadAllText(userKey + ".pub"), [new HostKeyFiles("ed25519", hostKey, hostKey + ".pub")]));
    }

    private static (long Uid, long Gid) Owner(string path) => FileStatus.Read(path, followLinks: false) is { } s ? (s.Uid, s.Gid) : (-1, -1);

    private static string Reachable(string folder)
    {
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        return folder;
    }
}
