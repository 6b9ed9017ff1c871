using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Real QEMU (and the real virtiofsd where installed) booting the test base's kernel and initrd (never the host's:
/// a fresh machine has none). The initrd finds no root and waits in its shell, which is all these tests need: a
/// running VM with a 9p and a virtiofs share.
/// </summary>
public sealed class RealQemuTests(ITestOutputHelper output, BaseKernelFixture baseKernel) : IClassFixture<BaseKernelFixture>, IDisposable
{
    // Sockets must stay under ~108 bytes: a short folder in /tmp.
    private readonly string _tmp = Directory.CreateTempSubdirectory("dlq-").FullName;
    private readonly ProcProcessTable _processes = new();

    public void Dispose()
    {
        // Whatever happened, nothing of ours may outlive the test: every process names this unique folder.
        foreach (var pid in _processes.FindByCommandLine(_tmp))
        {
            output.WriteLine($"left-over process {pid}: {_processes.CommandLine(pid)}");
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        Directory.Delete(_tmp, recursive: true);
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", Root = true, Timeout = 120000)]
    public async Task A_real_machine_starts_answers_qmp_and_stops_leaving_no_process()
    {
        var host = new RealHost(DataDirectory);
        var provider = new QemuDirectProvider();
        var plan = Plan(await VirtiofsAvailableAsync(provider, host));
        var clock = Stopwatch.StartNew();

        var running = await provider.StartAsync(plan, host, CancellationToken.None);
        output.WriteLine($"started in {clock.ElapsedMilliseconds} ms: {string.Join(", ", running.Handle.Data.Select(kv => $"{kv.Key}={kv.Value}"))}");
        var data = HandleData.From(running.Handle)!;
        var status = await provider.StatusAsync(running.Handle, host, CancellationToken.None);
        string qmpStatus;
        await using (var qmp = await QmpClient.ConnectAsync(data.QmpSocket, CancellationToken.None))
        {
            qmpStatus = (await qmp.ExecuteAsync("query-status", null, CancellationToken.None)).GetProperty("status").GetString()!;
        }

        await WaitForConsoleAsync(plan.ConsoleLogPath, "Linux version", FirstKernelLineTimeout);
        clock.Restart();
        await provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromSeconds(2)), host, CancellationToken.None);
        output.WriteLine($"stopped in {clock.ElapsedMilliseconds} ms");
        var after = await provider.StatusAsync(running.Handle, host, CancellationToken.None);

        Assert.Equal(MachineState.Running, status.State);
        Assert.Equal("running", qmpStatus);
        Assert.Equal(plan.Shares.Count(s => s.Transport == ShareTransport.VirtioFs), data.VirtiofsdPids.Count);
        Assert.False(_processes.IsAlive(data.QemuPid));
        Assert.All(data.VirtiofsdPids, pid => Assert.False(_processes.IsAlive(pid)));
        Assert.Empty(_processes.FindByCommandLine(_tmp));
        var pgrep = await host.Commands.RunAsync(new CommandSpec("pgrep", "-f", _tmp) { SuccessExitCodes = [0, 1] }, CancellationToken.None);
        Assert.Equal("", pgrep.StandardOutput.Trim());
        Assert.Equal(MachineState.Stopped, after.State);
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", Root = true, Timeout = 120000)]
    public async Task A_real_machine_boots_its_kernel_unpacked_through_pvh()
    {
        var (commandLine, booted) = await BootToLinuxVersionAsync(pvh: true);

        Assert.Matches(@" -kernel \S+/cache/kernels/[0-9a-f]{64}\.elf ", commandLine);
        Assert.True(booted, "the console shows no \"Linux version\"");
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", Root = true, Timeout = 120000)]
    public async Task With_pvh_off_a_real_machine_boots_the_bzImage()
    {
        var (commandLine, booted) = await BootToLinuxVersionAsync(pvh: false);

        Assert.Contains($" -kernel {baseKernel.Kernel.Kernel} ", commandLine, StringComparison.Ordinal);
        Assert.True(booted, "the console shows no \"Linux version\"");
    }

    private async Task<(string CommandLine, bool Booted)> BootToLinuxVersionAsync(bool pvh)
    {
        var host = new RealHost(DataDirectory);
        var provider = new QemuDirectProvider();
        var plan = Plan(virtiofs: false);
        plan = plan with { Provider = plan.Provider with { Settings = new Dictionary<string, SpecValue> { ["pvh"] = new(pvh, new SourceLocation("Disklessfile", 1, 1)) } } };
        var clock = Stopwatch.StartNew();
        var running = await provider.StartAsync(plan, host, CancellationToken.None);
        var started = clock.ElapsedMilliseconds;
        try
        {
            var commandLine = _processes.CommandLine(HandleData.From(running.Handle)!.QemuPid) ?? "";
            var booted = await WaitForConsoleAsync(plan.ConsoleLogPath, "Linux version", FirstKernelLineTimeout);
            output.WriteLine($"pvh={pvh}: started in {started} ms, \"Linux version\" after {clock.ElapsedMilliseconds} ms");
            return (commandLine, booted);
        }
        finally
        {
            await provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), host, CancellationToken.None);
        }
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", Root = true, Timeout = 120000)]
    public async Task Killing_qemu_behind_the_providers_back_shows_as_a_crash_with_the_console()
    {
        var host = new RealHost(DataDirectory);
        var provider = new QemuDirectProvider();
        var plan = Plan(virtiofs: false);
        var running = await provider.StartAsync(plan, host, CancellationToken.None);
        var data = HandleData.From(running.Handle)!;
        await WaitForConsoleAsync(plan.ConsoleLogPath, "Linux version", FirstKernelLineTimeout);

        await host.Commands.RunAsync(new CommandSpec("kill", "-KILL", data.QemuPid.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);
        await WaitUntilAsync(() => !_processes.IsAlive(data.QemuPid), TimeSpan.FromSeconds(10));
        var status = await provider.StatusAsync(running.Handle, host, CancellationToken.None);

        Assert.Equal(MachineState.Crashed, status.State);
        Assert.Contains(status.ConsoleTail!, l => l.Length > 0);
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", Root = true, Timeout = 120000)]
    public async Task Cancelling_a_start_after_virtiofsd_leaves_no_process()
    {
        var host = new RealHost(DataDirectory);
        var provider = new QemuDirectProvider();
        var virtiofs = await VirtiofsAvailableAsync(provider, host);
        using var cts = new CancellationTokenSource();
        host.Commands = new InterceptingRunner(host.Commands, c =>
        {
            if (virtiofs ? c.FileName.EndsWith("virtiofsd", StringComparison.Ordinal) : c.FileName.EndsWith("qemu-system-x86_64", StringComparison.Ordinal) && c.Arguments.Contains("-daemonize"))
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.StartAsync(Plan(virtiofs), host, cts.Token));

        await WaitUntilAsync(() => _processes.FindByCommandLine(_tmp).Count == 0, TimeSpan.FromSeconds(5));
        Assert.Empty(_processes.FindByCommandLine(_tmp));
    }

    [RequiresFact("qemu-system-x86_64", "debootstrap", "chroot", Root = true, Timeout = 120000)]
    public async Task Cancelling_while_qemu_daemonizes_leaves_no_process()
    {
        var host = new RealHost(DataDirectory);
        var provider = new QemuDirectProvider();
        using var cts = new CancellationTokenSource();
        host.Commands = new InterceptingRunner(host.Commands, c =>
        {
            if (c.Arguments.Contains("-daemonize"))
            {
                cts.CancelAfter(TimeSpan.FromMilliseconds(40));
            }
        });

        RunningMachine? running = null;
        try
        {
            running = await provider.StartAsync(Plan(virtiofs: false), host, cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        // QEMU may finish daemonizing before the cancellation lands; then it is a normal machine to stop.
        output.WriteLine(running is null ? "start was cancelled" : "start finished before the cancellation");
        if (running is not null)
        {
            await provider.StopAsync(running.Handle, new StopOptions(Force: true, TimeSpan.Zero), host, CancellationToken.None);
        }

        Assert.Empty(_processes.FindByCommandLine(_tmp));
    }

    // "Linux version" shows 0.4 s (PVH) to 2.8 s (bzImage) after start under TCG on an idle machine: ten times that and more.
    private static readonly TimeSpan FirstKernelLineTimeout = TimeSpan.FromSeconds(60);

    // Inside the test's folder: the unpacked kernel (60 MB and more) goes with it.
    private string DataDirectory => Path.Combine(_tmp, "data");

    private BootPlan Plan(bool virtiofs)
    {
        var (kernel, initrd) = baseKernel.Kernel;
        var root = Directory.CreateDirectory(Path.Combine(_tmp, "root")).FullName;
        var shared = Directory.CreateDirectory(Path.Combine(_tmp, "shared")).FullName;
        var state = Path.Combine(_tmp, "state");
        return new BootPlan(
            MachineName: "real",
            MachineId: Path.GetFileName(_tmp),
            Artifacts: new BootArtifacts(kernel, initrd, "console=ttyS0 root=rootfs rootfstype=9p rootflags=trans=virtio rootdelay=1"),
            Cpus: 1,
            MemoryMiB: 512,
            Provider: new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            Shares:
            [
                new Share(Share.RootTag, root, "/", ShareTransport.NineP),
                new Share("share1", shared, "/shared", virtiofs ? ShareTransport.VirtioFs : ShareTransport.NineP, NinePSecurityModel: virtiofs ? "passthrough" : "mapped-xattr"),
            ],
            Ports: [],
            SshHostPort: FreePort(),
            StateDirectory: state,
            RuntimeDirectory: Path.Combine(_tmp, "run"),
            ConsoleLogPath: Path.Combine(state, "console.log"));
    }

    private static async Task<bool> VirtiofsAvailableAsync(QemuDirectProvider provider, IHostServices host) =>
        await provider.DefaultTransportAsync(host, CancellationToken.None) == ShareTransport.VirtioFs;

    internal static async Task<bool> WaitForConsoleAsync(string consoleLog, string text, TimeSpan timeout) =>
        await WaitUntilAsync(() => File.Exists(consoleLog) && File.ReadAllText(consoleLog).Contains(text, StringComparison.Ordinal), timeout);

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
