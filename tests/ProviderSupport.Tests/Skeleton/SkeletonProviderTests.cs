using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;
using Diskless.Testing;

namespace Diskless.ProviderSupport.Tests.Skeleton;

/// <summary>
/// A third provider reuses ProviderSupport without copying it: each test drives <see cref="SkeletonProvider"/> through
/// <see cref="IProvider"/> alone and expects exactly what ProviderSupport decides (the texts, the addresses, the
/// arguments), so a change that broke a shared part would fail here as well as in QemuDirect and Libvirt.
/// </summary>
public sealed class SkeletonProviderTests : IDisposable
{
    private const string CpuWithVmx = "processor\t: 0\nflags\t\t: fpu vme de pse vmx sse2\n";
    private const string CpuWithout = "processor\t: 0\nflags\t\t: fpu vme de pse sse2\n";
    private static readonly InitramfsHints Arch = new("MODULES in /etc/mkinitcpio.conf", "sudo mkinitcpio -P");

    private readonly TempDirectory _folder = new("diskless-skeleton-");
    private readonly FakeHostServices _host;

    public SkeletonProviderTests() => _host = new FakeHostServices(_folder.Combine("data"));

    public void Dispose() => _folder.Dispose();

    [Fact(Timeout = 10000)]
    public async Task The_guest_is_reached_on_the_loopback_forward_of_the_one_user_mode_network()
    {
        var ssh = FreeTcpPort();
        var udp = FreeUdpPort();
        IProvider provider = new SkeletonProvider(KvmDevice.Missing, null);

        var running = await provider.StartAsync(Plan(ShareTransport.NineP, sshPort: ssh, ports: [new PortForward(udp, 53, "udp")]), _host, CancellationToken.None);
        var network = await provider.DescribeNetworkAsync(Machine([]), _host, CancellationToken.None);

        Assert.Equal(new SshEndpoint("127.0.0.1", ssh), running.Ssh);
        Assert.Equal($"user,id=net0,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,hostfwd=tcp:127.0.0.1:{ssh}-:22,hostfwd=udp:127.0.0.1:{udp}-:53", running.Handle.Data["netdev"]);
        Assert.Equal(IPAddress.Parse("10.0.2.15"), network.Static!.Address);
        Assert.Equal(IPAddress.Parse("10.0.2.2"), network.Static.Gateway);
        Assert.Equal([IPAddress.Parse("10.0.2.3")], network.Nameservers);
    }

    [Fact(Timeout = 10000)]
    public async Task A_forwarded_port_someone_holds_stops_the_start_with_the_shared_port_check()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<DisklessException>(() => new SkeletonProvider(KvmDevice.Missing, null)
            .StartAsync(Plan(ShareTransport.NineP, sshPort: FreeTcpPort(), ports: [new PortForward(taken, 8080)]), _host, CancellationToken.None));

        Assert.Equal($"host port 127.0.0.1:{taken}/tcp (forwarded to guest port 8080) is already in use.", error.Message);
        Assert.Equal($"Find the program holding it with: ss -ltnp 'sport = :{taken}'; stop it, or change host = {taken} in [[ports]].", error.Hint);
    }

    [Fact(Timeout = 10000)]
    public async Task A_port_forwarded_twice_is_refused_before_anything_binds()
    {
        var port = FreeTcpPort();

        var error = await Assert.ThrowsAsync<DisklessException>(() => new SkeletonProvider(KvmDevice.Missing, null)
            .StartAsync(Plan(ShareTransport.NineP, sshPort: port, ports: [new PortForward(port, 80)]), _host, CancellationToken.None));

        Assert.Equal($"host port 127.0.0.1:{port}/tcp is forwarded twice.", error.Message);
        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
    }

    [Fact]
    public async Task Ports_the_user_mode_network_cannot_forward_are_refused_at_their_lines()
    {
        var at = new SourceLocation("Disklessfile", 12, 1);

        var issues = await new SkeletonProvider(KvmDevice.Missing, null).ValidateAsync(
            Machine([new PortForward(80, 80, "sctp", Location: at), new PortForward(81, 81, HostAddress: "::1", Location: at)]), CancellationToken.None);

        Assert.Equal(
            ["protocol must be \"tcp\" or \"udp\", found \"sctp\"", "host address must be an IPv4 address such as \"127.0.0.1\", found \"::1\""],
            issues.Select(i => i.Message));
        Assert.All(issues, i => Assert.Equal(at, i.Location));
    }

    [Fact(Timeout = 10000)]
    public async Task A_virtiofs_share_without_virtiofsd_gets_the_one_shared_error()
    {
        var error = await Assert.ThrowsAsync<DisklessException>(() => new SkeletonProvider(KvmDevice.Missing, null)
            .StartAsync(Plan(ShareTransport.VirtioFs, sshPort: FreeTcpPort()), _host, CancellationToken.None));

        Assert.Equal("The share 'rootfs' (/var/lib/diskless/machines/dev/root) uses virtiofs, but no virtiofsd was found (PATH, /usr/libexec, /usr/lib/qemu).", error.Message);
        Assert.Contains("set virtiofsd = \"/path\" in [provider]", error.Hint, StringComparison.Ordinal);
        Assert.Contains("transport = \"9p\"", error.Hint, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Equal(ShareTransport.NineP, await new SkeletonProvider(KvmDevice.Missing, null).DefaultTransportAsync(_host, CancellationToken.None));
    }

    [Fact(Timeout = 10000)]
    public async Task A_rust_virtiofsd_is_found_and_planned_in_its_dialect_with_the_synced_folders_xattr_map()
    {
        _host.Executables["virtiofsd"] = "/usr/libexec/virtiofsd";
        _host.Runner.Print("virtiofsd", "Usage: virtiofsd [OPTIONS] --shared-dir <shared_dir>", "--help");
        var provider = new SkeletonProvider(KvmDevice.Missing, null);
        var folder = new Share("share1", "/home/me/project", "/project", ShareTransport.VirtioFs);

        await provider.StartAsync(Plan(ShareTransport.VirtioFs, sshPort: FreeTcpPort(), extra: [folder]), _host, CancellationToken.None);

        Assert.Equal(
            [
                "/usr/libexec/virtiofsd --shared-dir /var/lib/diskless/machines/dev/root --socket-path /run/diskless/0b7e4c/virtiofsd-0.sock --cache always --xattr --announce-submounts --inode-file-handles=prefer",
                "/usr/libexec/virtiofsd --shared-dir /home/me/project --socket-path /run/diskless/0b7e4c/virtiofsd-1.sock --cache auto --xattr --announce-submounts --inode-file-handles=prefer --modcaps=-fsetid --xattrmap :prefix:all:security.capability:user.virtiofs.::ok:all:::",
            ],
            provider.PlannedVirtiofsd.Select(c => string.Join(' ', [c.FileName, .. c.Arguments])));
        Assert.Equal(ShareTransport.VirtioFs, await provider.DefaultTransportAsync(_host, CancellationToken.None));
    }

    [Fact(Timeout = 10000)]
    public async Task The_c_virtiofsd_is_planned_in_its_own_dialect()
    {
        _host.Executables["virtiofsd"] = "/usr/lib/qemu/virtiofsd";
        _host.Runner.Print("virtiofsd", "usage: virtiofsd [options]\n    -o source=PATH    shared directory tree", "--help");
        var provider = new SkeletonProvider(KvmDevice.Missing, null);

        await provider.StartAsync(Plan(ShareTransport.VirtioFs, sshPort: FreeTcpPort()), _host, CancellationToken.None);

        var root = Assert.Single(provider.PlannedVirtiofsd);
        Assert.Equal(
            "/usr/lib/qemu/virtiofsd --socket-path=/run/diskless/0b7e4c/virtiofsd-0.sock -o source=/var/lib/diskless/machines/dev/root -o cache=always -o xattr -o posix_acl -o announce_submounts",
            string.Join(' ', [root.FileName, .. root.Arguments]));
    }

    [Fact(Timeout = 10000)]
    public async Task The_shared_kvm_rule_falls_back_to_tcg_on_a_cpu_without_virtualisation_and_says_why()
    {
        var withVmx = await new SkeletonProvider(KvmDevice.Opens, CpuWithVmx).StartAsync(Plan(ShareTransport.NineP, sshPort: FreeTcpPort()), _host, CancellationToken.None);
        Assert.Equal("kvm", withVmx.Handle.Data[SkeletonProvider.AcceleratorKey]);
        Assert.DoesNotContain(_host.RecordedProgress.Lines, l => l.StartsWith("warn:", StringComparison.Ordinal));

        var without = await new SkeletonProvider(KvmDevice.Opens, CpuWithout).StartAsync(Plan(ShareTransport.NineP, sshPort: FreeTcpPort()), _host, CancellationToken.None);

        Assert.Equal("tcg", without.Handle.Data[SkeletonProvider.AcceleratorKey]);
        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("warn: KVM is not usable here (the CPU shows no vmx or svm flag in /proc/cpuinfo)", StringComparison.Ordinal));
        var forced = await Assert.ThrowsAsync<DisklessException>(() => new SkeletonProvider(KvmDevice.Missing, CpuWithVmx)
            .StartAsync(Plan(ShareTransport.NineP, sshPort: FreeTcpPort(), accel: Accelerator.Kvm), _host, CancellationToken.None));
        Assert.Contains("modprobe kvm_intel", forced.Hint, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task A_writable_9p_passthrough_folder_is_refused_with_the_shared_words()
    {
        var folder = new Share("share1", "/home/me/project", "/project", ShareTransport.NineP, NinePSecurityModel: "passthrough");

        var error = await Assert.ThrowsAsync<DisklessException>(() => new SkeletonProvider(KvmDevice.Missing, null).StartAsync(Plan(ShareTransport.NineP, sshPort: FreeTcpPort(), extra: [folder]), _host, CancellationToken.None));

        Assert.Contains("'/project' (/home/me/project)", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Its_status_names_a_failed_boot_from_the_console_in_the_distros_words()
    {
        var provider = new SkeletonProvider(KvmDevice.Missing, null);
        var running = await provider.StartAsync(Plan(ShareTransport.NineP, sshPort: FreeTcpPort()), _host, CancellationToken.None);
        var handle = running.Handle with { Initramfs = Arch };
        Assert.Null((await provider.StatusAsync(handle, _host, CancellationToken.None)).Failure);

        await File.WriteAllTextAsync(handle.ConsoleLogPath, ":: mounting 'rootfs' on real root\nmount: /new_root: unknown filesystem type 'virtiofs'.\n");
        var status = await provider.StatusAsync(handle, _host, CancellationToken.None);

        Assert.Equal(MachineState.Crashed, status.State);
        Assert.NotNull(status.Failure);
        Assert.Equal("the guest's initramfs cannot mount a virtiofs root: the virtiofs module is missing from it", status.Failure.Problem);
        Assert.Equal(
            "The module must be listed in the initramfs (MODULES in /etc/mkinitcpio.conf). Boot the machine with the transport its initramfs was built for ([share] transport), run `sudo mkinitcpio -P` in the guest, then switch.",
            status.Failure.Hint);
        Assert.Equal($"skeleton; {status.Failure.Problem}. {status.Failure.Hint}", status.Detail);
    }

    private BootPlan Plan(ShareTransport root, int sshPort, IReadOnlyList<PortForward>? ports = null, IReadOnlyList<Share>? extra = null, Accelerator accel = Accelerator.Auto)
    {
        var state = _folder.Combine("state");
        Directory.CreateDirectory(state);
        return new BootPlan(
            "dev",
            "0b7e4c",
            new BootArtifacts("/var/lib/diskless/machines/dev/root/boot/vmlinuz", "/var/lib/diskless/machines/dev/root/boot/initrd.img", "root=rootfs console=ttyS0"),
            2,
            1024,
            new ProviderSpec("skeleton", accel, new Dictionary<string, SpecValue>(), null),
            [new Share(Share.RootTag, "/var/lib/diskless/machines/dev/root", "/", root), .. extra ?? []],
            ports ?? [],
            sshPort,
            state,
            "/run/diskless/0b7e4c",
            Path.Combine(state, "console.log"));
    }

    private static MachineSpec Machine(IReadOnlyList<PortForward> ports) =>
        Specs.Machine() with { Ports = ports };

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int FreeUdpPort()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }
}
