using Diskless.Abstractions;
using Diskless.Plugins.Arch.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Arch.Tests;

public sealed class ConfigureTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestHost _host;
    private readonly ArchDistro _distro = ArchSpecs.Plugin();
    private readonly MachineRoot _root;

    public ConfigureTests()
    {
        _host = new TestHost(_temp.Combine("data"));
        _root = new MachineRoot(_temp.Combine("root"));
        FakeArchTree.Create(_root.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("mkinitcpio", ShareTransport.VirtioFs, "virtiofs")]
    [InlineData("mkinitcpio", ShareTransport.NineP, "9p")]
    [InlineData("booster", ShareTransport.VirtioFs, "virtiofs")]
    [InlineData("booster", ShareTransport.NineP, "9p")]
    public async Task Configure_renders_every_file_of_the_root_for_each_generator_and_transport(string generator, ShareTransport transport, string name)
    {
        var artifacts = await ConfigureAsync(transport, generator);

        TreeSnapshot.AssertMatches(_root.Path, $"configure-{generator}-{name}/tree");
        Golden.AssertText(_host.Runner.Transcript.Replace(_root.Path, "ROOT", StringComparison.Ordinal), $"configure-{generator}-{name}/transcript.txt");

        // The facts the goldens must hold, asserted so that rewriting them cannot bless a regression.
        var modules = "virtio_pci virtio_net 9pnet 9pnet_virtio 9p virtiofs";
        if (generator == "mkinitcpio")
        {
            var conf = await Read("/etc/mkinitcpio.conf");
            Assert.Contains($"\nMODULES=({modules})\n", conf, StringComparison.Ordinal);
            Assert.Contains("\nHOOKS=(base udev modconf)\n", conf, StringComparison.Ordinal);
            Assert.DoesNotContain("autodetect)", conf, StringComparison.Ordinal);
            Assert.Contains("PRESETS=('default')", await Read("/etc/mkinitcpio.d/linux.preset"), StringComparison.Ordinal);
            Assert.Equal(["/usr/bin/mkinitcpio"], _host.Runner.Commands.Select(c => c.FileName));
            Assert.Equal(_root.Path + "/boot/initramfs-linux.img", artifacts.InitrdPath);
        }
        else
        {
            Assert.Contains($"modules_force_load: {modules.Replace(' ', ',')}\n", await Read("/etc/booster.yaml"), StringComparison.Ordinal);
            Assert.False(_root.Exists("/etc/mkinitcpio.d/linux.preset"));
            Assert.Equal(["/usr/lib/booster/regenerate_images"], _host.Runner.Commands.Select(c => c.FileName));
            Assert.Equal(_root.Path + "/boot/booster-linux.img", artifacts.InitrdPath);
        }

        Assert.Equal(_root.Path + "/boot/vmlinuz-linux", artifacts.KernelPath);
        Assert.Equal(
            transport == ShareTransport.NineP
                ? "root=rootfs rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap,posixacl rw console=ttyS0"
                : "root=rootfs rootfstype=virtiofs rw console=ttyS0",
            artifacts.KernelCommandLine);
        Assert.All(_host.Runner.Commands, c => Assert.True(c.RequiresRoot));
        Assert.All(Lines(_host.Runner.Transcript).Where((_, i) => i % 2 == 0), l => Assert.Equal($"[chroot {_root.Path}]", l));

        // The user: wheel, sudo without a password, our key, its own uid (1000) as the rootless map expects.
        Assert.Contains("diskless:x:1000:1000::/home/diskless:/bin/bash", Lines(await Read("/etc/passwd")));
        Assert.Contains("wheel:x:998:diskless", Lines(await Read("/etc/group")));
        Assert.Equal(["diskless ALL=(ALL) NOPASSWD:ALL"], Lines(await Read("/etc/sudoers.d/diskless")));
        Assert.Equal(["ssh-ed25519 AAAAC3NzaFakeUserKey diskless@dev"], Lines(await Read("/home/diskless/.ssh/authorized_keys")));

        // sshd enabled, with only the pinned host keys; the fixed address is networkd's, DNS the provider's.
        Assert.Equal("/usr/lib/systemd/system/sshd.service", Link("/etc/systemd/system/multi-user.target.wants/sshd.service"));
        Assert.Equal("/usr/lib/systemd/system/systemd-networkd.service", Link("/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"));
        Assert.False(_root.Exists("/etc/ssh/ssh_host_ecdsa_key"));
        Assert.Contains("HostKey /etc/ssh/ssh_host_ed25519_key", Lines(await Read("/etc/ssh/sshd_config.d/diskless.conf")));
        var network = Lines(await Read("/etc/systemd/network/20-diskless-wired.network"));
        Assert.Contains("Address=10.0.2.15/24", network);
        Assert.Contains("Gateway=10.0.2.2", network);
        Assert.Equal(["nameserver 10.0.2.3"], Lines(await Read("/etc/resolv.conf")));

        // tmpfs /tmp, the mirrorlist and our pacman.conf, hostname, locale, time zone.
        Assert.Contains("tmpfs\t/tmp\ttmpfs\trw,nosuid,nodev,mode=1777\t0\t0", Lines(await Read("/etc/fstab")));
        Assert.Equal(["Server = https://geo.mirror.pkgbuild.com/$repo/os/$arch"], Lines(await Read("/etc/pacman.d/mirrorlist")));
        Assert.Contains("Include = /etc/pacman.d/mirrorlist", Lines(await Read("/etc/pacman.conf")));
        Assert.Contains("SigLevel = Required DatabaseOptional", Lines(await Read("/etc/pacman.conf")));
        Assert.Equal(["dev"], Lines(await Read("/etc/hostname")));
        Assert.Equal(["LANG=C.UTF-8"], Lines(await Read("/etc/locale.conf")));
        Assert.Equal("/usr/share/zoneinfo/UTC", Link("/etc/localtime"));
    }

    [Fact]
    public async Task A_dhcp_network_gets_networkd_with_dhcp_and_resolved_and_a_fixed_one_undoes_it()
    {
        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, network: Specs.DhcpNetwork()), _host, CancellationToken.None);

        Assert.Contains("DHCP=ipv4", Lines(await Read("/etc/systemd/network/20-diskless-wired.network")));
        Assert.Equal("/usr/lib/systemd/system/systemd-resolved.service", Link("/etc/systemd/system/sysinit.target.wants/systemd-resolved.service"));
        Assert.Equal("/run/systemd/resolve/stub-resolv.conf", Link("/etc/resolv.conf"));

        await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.Null(new FileInfo(_root.ResolveParent("/etc/resolv.conf")).LinkTarget);
        Assert.False(File.Exists(_root.ResolveParent("/etc/systemd/system/sysinit.target.wants/systemd-resolved.service")) || Link("/etc/systemd/system/sysinit.target.wants/systemd-resolved.service") is not null);
    }

    [Fact]
    public async Task After_the_first_boot_no_program_of_the_root_runs_and_a_new_locale_is_left_to_the_guest_with_a_warning()
    {
        var request = Request(ShareTransport.NineP, distro: ArchSpecs.Distro(locale: "de_DE.UTF-8")) with { GuestHasRun = true };

        await _distro.ConfigureAsync(request, _host, CancellationToken.None);

        Assert.Empty(_host.Runner.Commands);
        Assert.Contains("de_DE.UTF-8 UTF-8", Lines(await Read("/etc/locale.gen")));
        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("sudo locale-gen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_mkinitcpio_fails_configure_and_a_missing_image_is_named()
    {
        _host.Runner.Fail("mkinitcpio", 1, "==> ERROR: module not found: 'virtiofs'\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => ConfigureAsync(ShareTransport.VirtioFs));

        Assert.StartsWith("building the initramfs with mkinitcpio", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed: Configuring the machine root", _host.RecordedProgress.Lines);

        File.Delete(_root.Path + "/boot/booster-linux.img");
        var missing = await Assert.ThrowsAsync<DisklessException>(() => ConfigureAsync(ShareTransport.VirtioFs, "booster"));
        Assert.Contains("/boot/booster-linux.img", missing.Message, StringComparison.Ordinal);
    }

    private Task<BootArtifacts> ConfigureAsync(ShareTransport transport, string generator = "mkinitcpio") =>
        _distro.ConfigureAsync(Request(transport, ArchSpecs.Distro(settings: ("initramfs", generator, 3))), _host, CancellationToken.None);

    private ConfigureRequest Request(ShareTransport transport, DistroSpec? distro = null, GuestNetwork? network = null) =>
        new(
            _root,
            Specs.Machine(distro ?? ArchSpecs.Distro(), transport),
            Specs.Shares(_root.Path, transport, transport),
            Specs.Identity(_temp.Combine("keys")),
            network ?? Specs.StaticNetwork(),
            GuestHasRun: false);

    private Task<string> Read(string guestPath) => _root.ReadFileAsync(guestPath, CancellationToken.None);

    private string? Link(string guestPath) => new FileInfo(_root.ResolveParent(guestPath)).LinkTarget;

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
}
