using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.PluginSupport.Shares;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.Debian.Tests.Real;

/// <summary>
/// A real debootstrapped base (cached between runs), cloned and configured with the real runner, chroot and
/// templates for each transport; the produced root is checked for what a boot needs. The lead's end-to-end test
/// boots it.
/// </summary>
public sealed class RealDebianTests(ITestOutputHelper output)
{
    private const int ThirtyMinutes = 30 * 60 * 1000;

    [RequiresFact("debootstrap", "chroot", "lsinitramfs", "ssh-keygen", Root = true, Timeout = ThirtyMinutes)]
    public Task A_real_base_configured_for_virtiofs_holds_everything_its_boot_needs() =>
        ConfigureRealRootAsync(ShareTransport.VirtioFs, BothTransports, []);

    [RequiresFact("debootstrap", "chroot", "lsinitramfs", "ssh-keygen", Root = true, Timeout = ThirtyMinutes)]
    public Task A_real_base_configured_for_9p_holds_everything_its_boot_needs() =>
        ConfigureRealRootAsync(ShareTransport.NineP, BothTransports, []);

    /// <summary>
    /// Every initramfs holds both transports and the NIC's driver: it is built once, before the first boot, and a
    /// later change of transport or network must boot without the host running the guest's update-initramfs.
    /// </summary>
    private static readonly string[] BothTransports = ["virtiofs.ko", "fuse.ko", "9p.ko", "9pnet.ko", "9pnet_virtio.ko", "virtio_pci.ko", "virtio_net.ko"];

    private async Task ConfigureRealRootAsync(ShareTransport transport, string[] wantedModules, string[] unwantedModules)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        var ct = cancel.Token;
        var distro = new DebianDistro();
        var host = new RealHost(output, DebianTestBase.DataDirectory);
        var spec = Specs.Distro();
        var basePath = await DebianTestBase.EnsureAsync(output.WriteLine, ct);

        var machines = Path.Combine(DebianTestBase.Home, "machines");
        var machine = Path.Combine(machines, $"{transport}-{Guid.NewGuid():n}");
        var keys = machine + "-keys";
        Directory.CreateDirectory(keys);
        try
        {
            var clock = Stopwatch.StartNew();
            await RootCloner.CloneAsync(basePath, machine, host.Commands, host.Progress, ct);
            output.WriteLine($"clone: {clock.Elapsed.TotalSeconds:0.0} s");
            var identity = await GenerateIdentityAsync(host.Commands, keys, ct);
            var root = new MachineRoot(machine);
            var request = new ConfigureRequest(root, Specs.Machine(spec, transport), Specs.Shares(machine, transport), identity, Specs.StaticNetwork(), GuestHasRun: false);

            clock.Restart();
            var artifacts = await distro.ConfigureAsync(request, host, ct);
            output.WriteLine($"configure: {clock.Elapsed.TotalSeconds:0.0} s");
            foreach (var (command, duration) in host.TimedChroot.Timings)
            {
                output.WriteLine($"  {duration.TotalSeconds,5:0.0} s  {command}");
            }

            Assert.Empty(MountTable.Under(machine));
            Assert.Empty(MountTable.Under(basePath));
            await AssertBootableAsync(host, root, artifacts, identity, transport, wantedModules, unwantedModules, ct);

            // Once the guest has run, a reconfigure (the other transport) runs nothing in the root and keeps the initramfs.
            var chrootRuns = host.TimedChroot.Timings.Count;
            var initrdWritten = File.GetLastWriteTimeUtc(artifacts.InitrdPath);
            var other = transport == ShareTransport.VirtioFs ? ShareTransport.NineP : ShareTransport.VirtioFs;
            var again = await distro.ConfigureAsync(request with { Machine = Specs.Machine(spec, other), Shares = Specs.Shares(machine, other), GuestHasRun = true }, host, ct);
            Assert.Equal(chrootRuns, host.TimedChroot.Timings.Count);
            Assert.Equal(artifacts.InitrdPath, again.InitrdPath);
            Assert.Equal(initrdWritten, File.GetLastWriteTimeUtc(again.InitrdPath));
            Assert.Contains($"rootfstype={BootTransports.FileSystemType(other)}", again.KernelCommandLine, StringComparison.Ordinal);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("DISKLESS_TEST_KEEP_ROOTS") == "1")
            {
                // For booting a configured root by hand; nothing is mounted under it any more.
                output.WriteLine($"kept machine root: {machine} (keys in {keys})");
            }
            else
            {
                Directory.Delete(keys, recursive: true);
                if (Directory.Exists(machine))
                {
                    await FolderRemover.RemoveAsync(machine, machines, host.Commands, CancellationToken.None);
                }
            }
        }
    }

    private async Task AssertBootableAsync(
        RealHost host, MachineRoot root, BootArtifacts artifacts, GuestIdentity identity, ShareTransport transport,
        string[] wantedModules, string[] unwantedModules, CancellationToken ct)
    {
        // Kernel and initramfs: real files inside the root.
        foreach (var file in new[] { artifacts.KernelPath, artifacts.InitrdPath })
        {
            Assert.StartsWith(root.Path + "/boot/", file, StringComparison.Ordinal);
            Assert.Null(new FileInfo(file).LinkTarget);
            Assert.True(new FileInfo(file).Length > 1_000_000, $"{file} is too small to be real");
        }

        var initrdMiB = new FileInfo(artifacts.InitrdPath).Length / 1024.0 / 1024.0;
        output.WriteLine($"initramfs: {initrdMiB:0.0} MiB ({Path.GetFileName(artifacts.InitrdPath)})");
        output.WriteLine($"command line: {artifacts.KernelCommandLine}");
        var listing = (await host.Commands.RunAsync(new CommandSpec("lsinitramfs", artifacts.InitrdPath), ct)).StandardOutput;
        var modules = listing.Split('\n').Select(Path.GetFileName).ToHashSet();
        foreach (var module in wantedModules)
        {
            Assert.True(modules.Contains(module) || modules.Contains(module + ".xz") || modules.Contains(module + ".zst"), $"the initramfs lacks {module}");
        }

        foreach (var module in unwantedModules)
        {
            Assert.DoesNotContain(module, modules);
        }

        // MODULES=list keeps the initramfs well under the 30+ MB that MODULES=most gives.
        Assert.True(initrdMiB < 20, $"the initramfs is {initrdMiB:0.0} MiB");

        var fstab = await root.ReadFileAsync("/etc/fstab", ct);
        Assert.Contains("tmpfs\t/tmp\ttmpfs", fstab, StringComparison.Ordinal);
        Assert.DoesNotContain(fstab.Split('\n'), l => !l.StartsWith('#') && l.Split('\t') is [_, "/", ..]);
        var modulesFile = await root.ReadFileAsync("/etc/initramfs-tools/modules", ct);
        Assert.Contains(transport == ShareTransport.VirtioFs ? "virtiofs" : "9pnet_virtio", modulesFile, StringComparison.Ordinal);
        Assert.False(root.Exists("/etc/initramfs-tools/conf.d/resume"));
        Assert.Equal("nameserver 10.0.2.3\n", Lines(await root.ReadFileAsync("/etc/resolv.conf", ct)));
        Assert.Equal("dev\n", await root.ReadFileAsync("/etc/hostname", ct));
        Assert.Equal("", await root.ReadFileAsync("/etc/machine-id", ct));

        // sshd offers exactly our host keys.
        Assert.Contains("PasswordAuthentication no", await root.ReadFileAsync("/etc/ssh/sshd_config.d/diskless.conf", ct), StringComparison.Ordinal);
        var hostKeyFiles = Directory.EnumerateFiles(root.Resolve("/etc/ssh"), "ssh_host_*").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["ssh_host_ed25519_key", "ssh_host_ed25519_key.pub"], hostKeyFiles);
        Assert.Equal(File.ReadAllText(identity.HostKeys[0].PrivateKeyPath), await root.ReadFileAsync("/etc/ssh/ssh_host_ed25519_key", ct));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(root.Resolve("/etc/ssh/ssh_host_ed25519_key")));
        Assert.Equal("0:0:644", await StatAsync(host, root.Resolve("/etc/ssh/ssh_host_ed25519_key.pub"), ct));

        // The user: written into the account files by the host (no useradd), in sudo, owning its home and key.
        var passwd = (await root.ReadFileAsync("/etc/passwd", ct)).Split('\n').Single(l => l.StartsWith("diskless:", StringComparison.Ordinal)).Split(':');
        Assert.Equal("/home/diskless", passwd[5]);
        Assert.Equal("/bin/bash", passwd[6]);
        var sudo = (await root.ReadFileAsync("/etc/group", ct)).Split('\n').Single(l => l.StartsWith("sudo:", StringComparison.Ordinal));
        Assert.EndsWith("diskless", sudo, StringComparison.Ordinal);
        Assert.Equal(identity.AuthorizedPublicKey.Trim() + "\n", await root.ReadFileAsync("/home/diskless/.ssh/authorized_keys", ct));
        Assert.Equal($"{passwd[2]}:{passwd[3]}:600", await StatAsync(host, root.Resolve("/home/diskless/.ssh/authorized_keys"), ct));
        Assert.Equal($"{passwd[2]}:{passwd[3]}:700", await StatAsync(host, root.Resolve("/home/diskless/.ssh"), ct));
        Assert.Equal("0:0:440", await StatAsync(host, root.Resolve("/etc/sudoers.d/diskless"), ct));
        Assert.Equal($"{passwd[2]}:{passwd[3]}:755", await StatAsync(host, root.Resolve("/home/diskless"), ct));
        Assert.True(root.Exists("/home/diskless/.bashrc"), "the home was not filled from /etc/skel");
        var shadowGid = (await root.ReadFileAsync("/etc/group", ct)).Split('\n').Single(l => l.StartsWith("shadow:", StringComparison.Ordinal)).Split(':')[2];
        Assert.Equal($"0:{shadowGid}:640", await StatAsync(host, root.Resolve("/etc/shadow"), ct));
        Assert.Contains("\ndiskless:!:", await root.ReadFileAsync("/etc/shadow", ct), StringComparison.Ordinal);

        // The fixed address is set by the initramfs: its script is inside, and no network daemon is enabled.
        Assert.Contains("scripts/init-premount/diskless-network", listing, StringComparison.Ordinal);
        Assert.Contains("ipconfig", listing, StringComparison.Ordinal);
        // No udev in the initramfs (diskless-no-udev): its start-up script is gone, its last one only moves /dev.
        var paths = listing.Split('\n').ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain("scripts/init-top/udev", paths);
        Assert.Contains("scripts/init-bottom/udev", paths);
        Assert.Equal("/dev/null", new FileInfo(root.ResolveParent("/etc/systemd/system/systemd-sysusers.service")).LinkTarget);
        Assert.False(root.Exists("/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"));
        Assert.Equal("/dev/null", new FileInfo(root.ResolveParent("/etc/systemd/system-generators/systemd-gpt-auto-generator")).LinkTarget);
        Assert.Equal("/dev/null", new FileInfo(root.ResolveParent("/etc/systemd/system/systemd-networkd-wait-online.service")).LinkTarget);
        Assert.True(File.Exists(root.Resolve("/etc/localtime")), "/etc/localtime does not resolve inside the root");
        Assert.Empty(Directory.EnumerateFiles(root.Resolve("/var/cache/apt/archives"), "*.deb"));
    }

    private static async Task<GuestIdentity> GenerateIdentityAsync(ICommandRunner runner, string directory, CancellationToken ct)
    {
        var hostKey = Path.Combine(directory, "ssh_host_ed25519_key");
        var userKey = Path.Combine(directory, "id_ed25519");
        await runner.RunAsync(new CommandSpec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dev-host", "-f", hostKey), ct);
        await runner.RunAsync(new CommandSpec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "diskless@dev", "-f", userKey), ct);
        return new GuestIdentity("diskless", File.ReadAllText(userKey + ".pub"), [new HostKeyFiles("ed25519", hostKey, hostKey + ".pub")]);
    }

    private static async Task<string> StatAsync(RealHost host, string path, CancellationToken ct) =>
        (await host.Commands.RunAsync(new CommandSpec("stat", "-c", "%u:%g:%a", path), ct)).StandardOutput.Trim();

    private static string Lines(string text) =>
        string.Concat(text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l + "\n"));
}
