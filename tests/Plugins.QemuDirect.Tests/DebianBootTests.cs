using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Diskless.Abstractions;
using Xunit.Abstractions;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>
/// Runs only where a prepared diskless Debian root exists (DISKLESS_QEMU_LAB_ROOT, built by hand per LAB.md, with
/// root's authorized key DISKLESS_QEMU_LAB_KEY): boots it over 9p and over virtiofs to an SSH login and powers it off.
/// The end-to-end tests do the same through the CLI with a root the Debian plugin built.
/// </summary>
public sealed class DebianBootTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("dlb-").FullName;
    private readonly ProcProcessTable _processes = new();

    public void Dispose()
    {
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

    [LabRootTheory(Timeout = 300000)]
    [InlineData(ShareTransport.NineP)]
    [InlineData(ShareTransport.VirtioFs)]
    public async Task A_debian_root_boots_to_an_ssh_login_and_powers_off(ShareTransport transport)
    {
        var root = Environment.GetEnvironmentVariable("DISKLESS_QEMU_LAB_ROOT")!;
        var key = Environment.GetEnvironmentVariable("DISKLESS_QEMU_LAB_KEY");
        var host = new RealHost();
        var provider = new QemuDirectProvider();
        var plan = Plan(root, transport);
        var clock = Stopwatch.StartNew();

        var running = await provider.StartAsync(plan, host, CancellationToken.None);
        var banner = await WaitForSshBannerAsync(running.Ssh.Port, TimeSpan.FromSeconds(180));
        var bootSeconds = clock.Elapsed.TotalSeconds;
        string? uname = null;
        if (key is not null)
        {
            var ssh = await host.Commands.RunAsync(
                new CommandSpec("ssh", "-i", key, "-p", running.Ssh.Port.ToString(CultureInfo.InvariantCulture), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "BatchMode=yes", "root@127.0.0.1", "findmnt -no FSTYPE / && uname -r"),
                CancellationToken.None);
            uname = ssh.StandardOutput.Trim().Replace('\n', ' ');
        }

        clock.Restart();
        await provider.StopAsync(running.Handle, new StopOptions(Force: false, TimeSpan.FromSeconds(60)), host, CancellationToken.None);
        var stopSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{transport}: SSH banner after {bootSeconds:0.0} s ({banner}); login said: {uname}; power-off took {stopSeconds:0.0} s; progress: {string.Join(" | ", host.RecordedProgress.Lines)}");

        Assert.StartsWith("SSH-2.0-", banner, StringComparison.Ordinal);
        if (key is not null)
        {
            Assert.StartsWith(transport == ShareTransport.VirtioFs ? "virtiofs" : "9p", uname, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(host.RecordedProgress.Lines, l => l.StartsWith("warn: The guest did not power off", StringComparison.Ordinal));
        Assert.Empty(_processes.FindByCommandLine(_tmp));
        Assert.Equal(MachineState.Stopped, (await provider.StatusAsync(running.Handle, host, CancellationToken.None)).State);
    }

    private BootPlan Plan(string root, ShareTransport transport)
    {
        var commandLine = transport == ShareTransport.VirtioFs
            ? "root=rootfs rootfstype=virtiofs rw console=ttyS0"
            : "root=rootfs rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap,posixacl rw console=ttyS0";
        var state = Path.Combine(_tmp, "state");
        return new BootPlan(
            "lab", "lab", new BootArtifacts(Path.Combine(root, "vmlinuz"), Path.Combine(root, "initrd.img"), commandLine),
            2, 1024, new ProviderSpec("qemu", Accelerator.Auto, new Dictionary<string, SpecValue>(), null),
            [new Share(Share.RootTag, root, "/", transport)], [], FreePort(), state, Path.Combine(_tmp, "run"), Path.Combine(state, "console.log"));
    }

    private static async Task<string> WaitForSshBannerAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                using var reader = new StreamReader(client.GetStream());
                using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var line = await reader.ReadLineAsync(read.Token);
                if (line is not null && line.StartsWith("SSH-", StringComparison.Ordinal))
                {
                    return line;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"no SSH banner on port {port} within {timeout}");
            }

            await Task.Delay(1000);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A theory that runs only where DISKLESS_QEMU_LAB_ROOT names a prepared root with /vmlinuz; skipped (with the reason) elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabRootTheoryAttribute : TheoryAttribute
{
    public override string? Skip
    {
        get => base.Skip ?? (Environment.GetEnvironmentVariable("DISKLESS_QEMU_LAB_ROOT") is { } root && File.Exists(Path.Combine(root, "vmlinuz"))
            ? null
            : "needs DISKLESS_QEMU_LAB_ROOT: a diskless Debian root prepared by hand per LAB.md (a manual lab check; the end-to-end tests boot one built by the Debian plugin)");
        set => base.Skip = value;
    }
}
