using Diskless.Abstractions;
using Diskless.Plugins.Debian.Configure;
using Diskless.PluginSupport.Configure;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

public sealed class ConfigureTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestHost _host;
    private readonly DebianDistro _distro = new();
    private readonly MachineRoot _root;

    public ConfigureTests()
    {
        _host = new TestHost(_temp.Combine("data"));
        _root = new MachineRoot(_temp.Combine("root"));
        Directory.CreateDirectory(_root.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ShareTransport.VirtioFs, "virtiofs")]
    [InlineData(ShareTransport.NineP, "9p")]
    public async Task Configure_renders_every_file_of_the_machine_root(ShareTransport transport, string name)
    {
        FakeBaseTree.Create(_root.Path);
        var request = Request(transport, syncedTransport: transport);
        var plan = new ConfigurePlanner(_host.Templates).Plan(request, await RootProbe.ReadAsync(new HostOwnedRootFiles(_root.Path), CancellationToken.None));

        await _distro.ConfigureAsync(request, _host, CancellationToken.None);

        TreeSnapshot.AssertMatches(_root.Path, $"configure-{name}/tree");
        AssertTreeHolds(plan);
    }

    [Fact]
    public async Task Configuring_a_root_again_gives_the_same_tree()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs, syncedTransport: ShareTransport.VirtioFs);
        var once = TreeSnapshot.Take(_root.Path);
        await ConfigureAsync(ShareTransport.VirtioFs, syncedTransport: ShareTransport.VirtioFs);

        // The two trees compared with each other, which no golden update can make agree.
        Assert.Equal(once, TreeSnapshot.Take(_root.Path));
        TreeSnapshot.AssertMatches(_root.Path, "configure-virtiofs/tree");
    }

    [Theory]
    [InlineData(ShareTransport.VirtioFs, "virtiofs")]
    [InlineData(ShareTransport.NineP, "9p")]
    public async Task Configure_runs_every_command_inside_the_root_in_order(ShareTransport transport, string name)
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(transport, syncedTransport: transport);

        Golden.AssertText(Transcript(), $"configure-{name}/transcript.txt");
        Assert.All(_host.Runner.Commands, c => Assert.StartsWith("/usr/", c.FileName, StringComparison.Ordinal));
        Assert.All(_host.Runner.Commands, c => Assert.True(c.RequiresRoot));

        // Inside the root: every command goes through the chroot of this root (the fake chroot records it on the line before).
        var lines = Lines(_host.Runner.Transcript);
        var commands = lines.Select((line, i) => (line, i)).Where(l => !l.line.StartsWith("[chroot ", StringComparison.Ordinal)).ToList();
        Assert.Equal(_host.Runner.Commands.Count, commands.Count);
        Assert.All(commands, c => Assert.Equal($"[chroot {_root.Path}]", c.i > 0 ? lines[c.i - 1] : "<none>"));

        // Before the first boot only the base's own update-initramfs runs: users and owners are written as files.
        Assert.Equal(["/usr/sbin/update-initramfs"], _host.Runner.Commands.Select(c => c.FileName));
    }

    [Fact]
    public async Task Configure_plans_every_step_in_order()
    {
        FakeBaseTree.Create(_root.Path);
        var facts = await RootProbe.ReadAsync(new HostOwnedRootFiles(_root.Path), CancellationToken.None);
        var request = Request(ShareTransport.VirtioFs, ShareTransport.NineP);

        var plan = new ConfigurePlanner(_host.Templates).Plan(request, facts);

        Golden.AssertText(plan.Describe().Replace(_temp.Path, "TEMP", StringComparison.Ordinal), "configure-virtiofs/plan.txt");

        var steps = plan.Steps.ToList();
        int Last(Func<RootEdit, bool> match) => steps.FindLastIndex(s => match(s));
        int First(Func<RootEdit, bool> match) => steps.FindIndex(s => match(s));
        int Run(string program) => Assert.Single(steps.Select((s, i) => (s, i)), x => x.s is RunInRootStep r && r.Command.FileName.EndsWith("/" + program, StringComparison.Ordinal)).i;
        var user = new RootOwner(1000, 1000);

        // The base's own host keys are deleted before the pinned ones are copied, or a delete would remove a pinned key.
        foreach (var (copy, i) in steps.Select((s, i) => (s, i)).Where(x => x.s is CopyFileEdit))
        {
            Assert.True(Last(s => s is DeleteFileEdit d && d.GuestPath == ((CopyFileEdit)copy).GuestPath) < i, $"{copy.Describe()} comes after any delete of it");
        }

        // The user is written into the account files, then its home, ~/.ssh and key are made, each given to it as made
        // (sshd ignores a key the user does not own); no program of the root adds or chowns anything.
        var passwd = First(s => s is WriteFileEdit { GuestPath: "/etc/passwd", Owner: { Uid: 0, Gid: 0 } });
        var home = First(s => s is CreateDirectoryEdit { GuestPath: "/home/diskless" } d && d.Owner == user);
        var sshDirectory = First(s => s is CreateDirectoryEdit { GuestPath: "/home/diskless/.ssh" } d && d.Owner == user);
        var authorizedKeys = First(s => s is WriteFileEdit { GuestPath: "/home/diskless/.ssh/authorized_keys" } w && w.Owner == user);
        Assert.True(passwd >= 0 && passwd < home && home < sshDirectory && sshDirectory < authorizedKeys, plan.Describe());
        Assert.DoesNotContain(steps, s => s is RunInRootStep r && (r.Command.FileName.EndsWith("useradd", StringComparison.Ordinal) || r.Command.FileName.EndsWith("chown", StringComparison.Ordinal)));

        // The initramfs is built last, after every file it bakes in (its modules, its configuration, its scripts).
        var initramfs = Run("update-initramfs");
        Assert.Equal(steps.Count - 1, initramfs);
        Assert.True(Last(s => s is WriteFileEdit w && (w.GuestPath.StartsWith("/etc/initramfs-tools/", StringComparison.Ordinal) || w.GuestPath.StartsWith("/etc/modprobe.d/", StringComparison.Ordinal))) < initramfs);
    }

    [Fact]
    public async Task Configure_returns_the_real_kernel_and_initrd_behind_the_links_inside_the_root()
    {
        FakeBaseTree.Create(_root.Path);

        var artifacts = await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.Equal(Path.Combine(_root.Path, "boot", $"vmlinuz-{FakeBaseTree.KernelVersion}"), artifacts.KernelPath);
        Assert.Equal(Path.Combine(_root.Path, "boot", $"initrd.img-{FakeBaseTree.KernelVersion}"), artifacts.InitrdPath);
        Assert.Null(new FileInfo(artifacts.KernelPath).LinkTarget);
        Assert.Null(new FileInfo(artifacts.InitrdPath).LinkTarget);
    }

    [Fact]
    public async Task A_base_built_without_an_initramfs_boots_the_one_configure_creates_beside_the_kernel()
    {
        // As INITRD=No leaves a base: the kernel and its /vmlinuz link, no initramfs and no /initrd.img link.
        FakeBaseTree.Create(_root.Path);
        File.Delete(Path.Combine(_root.Path, "initrd.img"));
        File.Delete(Path.Combine(_root.Path, "boot", $"initrd.img-{FakeBaseTree.KernelVersion}"));
        _host.Runner.On("update-initramfs", _ =>
        {
            File.WriteAllText(Path.Combine(_root.Path, "boot", $"initrd.img-{FakeBaseTree.KernelVersion}"), "initramfs image\n");
            return new CommandResult(0, "", "", TimeSpan.Zero);
        });

        var artifacts = await ConfigureAsync(ShareTransport.VirtioFs);

        // -c: -u would find no initramfs to update and make none.
        Assert.Contains(_host.Runner.Commands, c => c.FileName.EndsWith("update-initramfs", StringComparison.Ordinal) && c.Arguments.SequenceEqual(["-c", "-k", "all"]));
        Assert.Equal(Path.Combine(_root.Path, "boot", $"initrd.img-{FakeBaseTree.KernelVersion}"), artifacts.InitrdPath);
    }

    [Fact]
    public async Task Configure_resolves_an_absolute_kernel_link_inside_the_root_not_on_the_host()
    {
        FakeBaseTree.Create(_root.Path);
        File.Delete(Path.Combine(_root.Path, "vmlinuz"));
        File.CreateSymbolicLink(Path.Combine(_root.Path, "vmlinuz"), $"/boot/vmlinuz-{FakeBaseTree.KernelVersion}");

        var artifacts = await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.Equal(Path.Combine(_root.Path, "boot", $"vmlinuz-{FakeBaseTree.KernelVersion}"), artifacts.KernelPath);
    }

    [Fact]
    public async Task A_virtiofs_root_boots_with_the_virtiofs_command_line()
    {
        FakeBaseTree.Create(_root.Path);

        var artifacts = await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.Equal("root=rootfs rootfstype=virtiofs rw console=ttyS0 net.ifnames=0 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", artifacts.KernelCommandLine);
    }

    [Fact]
    public async Task A_fixed_address_is_set_by_the_initramfs_and_no_network_daemon_runs()
    {
        FakeBaseTree.Create(_root.Path);
        // A root configured for DHCP before (a provider that changed) must lose networkd's links.
        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, network: Specs.DhcpNetwork()), _host, CancellationToken.None);

        var artifacts = await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.EndsWith(" net.ifnames=0 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off", artifacts.KernelCommandLine, StringComparison.Ordinal);
        Assert.Contains("virtio_net", Lines(await _root.ReadFileAsync("/etc/initramfs-tools/modules", CancellationToken.None)));
        var script = _root.Resolve("/etc/initramfs-tools/scripts/init-premount/diskless-network");
        Assert.Contains("configure_networking", File.ReadAllText(script), StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.OtherExecute), "initramfs-tools skips scripts that are not executable");
        // The initramfs starts no udev: the hook (run after the udev package's) takes its start-up script out and keeps
        // the move of /dev to the real root.
        var hook = _root.Resolve("/etc/initramfs-tools/hooks/diskless-no-udev");
        Assert.True(File.GetUnixFileMode(hook).HasFlag(UnixFileMode.OtherExecute), "mkinitramfs skips hooks that are not executable");
        var hookText = File.ReadAllText(hook);
        Assert.Contains("rm -f \"${DESTDIR}/scripts/init-top/udev\"", hookText, StringComparison.Ordinal);
        Assert.Contains("mount -n -o move /dev \"${rootmnt:?}/dev\"", hookText, StringComparison.Ordinal);
        Assert.False(_root.Exists("/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"));
        Assert.False(_root.Exists("/etc/systemd/system/sockets.target.wants/systemd-networkd.socket"));
        Assert.False(_root.Exists("/etc/systemd/network/20-diskless-wired.network"));
        Assert.Equal(["nameserver 10.0.2.3"], Lines(await _root.ReadFileAsync("/etc/resolv.conf", CancellationToken.None)));
    }

    [Fact]
    public async Task A_dhcp_network_gets_systemd_networkd_and_a_plain_initramfs()
    {
        FakeBaseTree.Create(_root.Path);
        await ConfigureAsync(ShareTransport.VirtioFs);

        var artifacts = await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, network: Specs.DhcpNetwork()), _host, CancellationToken.None);

        // The initramfs keeps the NIC's driver and the network script (so a later change needs no rebuild); with no
        // ip= on the command line the script does nothing.
        Assert.Equal("root=rootfs rootfstype=virtiofs rw console=ttyS0", artifacts.KernelCommandLine);
        Assert.Contains("virtio_net", Lines(await _root.ReadFileAsync("/etc/initramfs-tools/modules", CancellationToken.None)));
        Assert.True(_root.Exists("/etc/initramfs-tools/scripts/init-premount/diskless-network"));
        Assert.Equal("/lib/systemd/system/systemd-networkd.service", new FileInfo(_root.ResolveParent("/etc/systemd/system/multi-user.target.wants/systemd-networkd.service")).LinkTarget);
        Assert.Contains("DHCP=ipv4", await _root.ReadFileAsync("/etc/systemd/network/20-diskless-wired.network", CancellationToken.None), StringComparison.Ordinal);
        Assert.Equal(["nameserver 192.168.122.1"], Lines(await _root.ReadFileAsync("/etc/resolv.conf", CancellationToken.None)));
    }

    [Fact]
    public async Task Generators_that_look_for_disks_are_masked_and_the_rest_are_left_alone()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs);

        var masked = Directory.EnumerateFileSystemEntries(_root.Resolve("/etc/systemd/system-generators"))
            .Select(path => (Name: Path.GetFileName(path), Target: new FileInfo(path).LinkTarget))
            .ToList();
        Assert.Contains(("systemd-gpt-auto-generator", "/dev/null"), masked);
        Assert.Contains(("systemd-cryptsetup-generator", "/dev/null"), masked);
        Assert.Contains(("systemd-run-generator", "/dev/null"), masked);
        Assert.Contains(("systemd-system-update-generator", "/dev/null"), masked);
        Assert.All(masked, m => Assert.Equal("/dev/null", m.Target));
        Assert.DoesNotContain(masked, m => m.Name is "systemd-fstab-generator" or "systemd-getty-generator" or "systemd-sysv-generator");
    }

    [Fact]
    public async Task The_journal_stays_persistent_but_is_flushed_once_the_machine_is_up_and_udevd_holds_up_no_service()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs);

        // Debian's flush is ordered before sysinit.target; ours after multi-user.target, with its stop kept.
        Assert.Equal("/dev/null", new FileInfo(_root.ResolveParent("/etc/systemd/system/systemd-journal-flush.service")).LinkTarget);
        var flush = Lines(await _root.ReadFileAsync("/etc/systemd/system/diskless-journal-flush.service", CancellationToken.None));
        Assert.Contains("After=multi-user.target", flush);
        Assert.Contains("ExecStart=journalctl --flush", flush);
        Assert.Contains("ExecStop=journalctl --smart-relinquish-var", flush);
        Assert.DoesNotContain(flush, l => l.StartsWith("DefaultDependencies=", StringComparison.Ordinal) || l.StartsWith("Before=", StringComparison.Ordinal));
        Assert.Equal(
            "/etc/systemd/system/diskless-journal-flush.service",
            new FileInfo(_root.ResolveParent("/etc/systemd/system/multi-user.target.wants/diskless-journal-flush.service")).LinkTarget);
        // Nothing makes the journal volatile.
        Assert.False(_root.Exists("/etc/systemd/journald.conf.d"));

        // udevd counts as started once it runs, and its watchdog is still heard.
        var udevd = Lines(await _root.ReadFileAsync("/etc/systemd/system/systemd-udevd.service.d/diskless.conf", CancellationToken.None));
        Assert.Contains("Type=simple", udevd);
        Assert.Contains("NotifyAccess=main", udevd);

        // Modules and mounts nobody uses here; fuse's and mqueue's stay.
        foreach (var unit in new[] { "modprobe@loop.service", "modprobe@configfs.service", "sys-kernel-config.mount", "dev-hugepages.mount", "systemd-repart.service" })
        {
            Assert.Equal("/dev/null", new FileInfo(_root.ResolveParent($"/etc/systemd/system/{unit}")).LinkTarget);
        }

        Assert.False(_root.Exists("/etc/systemd/system/modprobe@fuse.service"));
        Assert.False(_root.Exists("/etc/systemd/system/dev-mqueue.mount"));
    }

    [Fact]
    public async Task A_9p_root_boots_with_the_9p_command_line_and_the_share_msize()
    {
        FakeBaseTree.Create(_root.Path);

        var artifacts = await ConfigureAsync(ShareTransport.NineP, msize: 1048576);

        Assert.Equal(
            "root=rootfs rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=1048576,cache=mmap,posixacl rw console=ttyS0 net.ifnames=0 ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off",
            artifacts.KernelCommandLine);
    }

    [Fact]
    public async Task Synced_folders_of_the_other_transport_add_their_modules_and_fstab_lines()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs, syncedTransport: ShareTransport.NineP);

        var modules = Lines(await _root.ReadFileAsync("/etc/initramfs-tools/modules", CancellationToken.None));
        Assert.Equal(["virtio_pci", "virtio_net", "9pnet", "9pnet_virtio", "9p", "virtiofs"], modules);
        var fstab = Lines(await _root.ReadFileAsync("/etc/fstab", CancellationToken.None));
        Assert.Contains("sync0\t/project\t9p\ttrans=virtio,version=9p2000.L,msize=512000,cache=mmap,nofail\t0\t0", fstab);
        Assert.Contains("sync1\t/home/diskless/read\\040only\\040docs\t9p\ttrans=virtio,version=9p2000.L,msize=512000,cache=mmap,ro,nofail\t0\t0", fstab);
        Assert.DoesNotContain(fstab, l => l.Split('\t') is [_, "/", ..]);
    }

    [Fact]
    public async Task A_virtiofs_roots_home_served_apart_is_mounted_on_home_before_local_filesystems_and_before_folders_inside_it()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs, syncedTransport: ShareTransport.VirtioFs);

        var shareLines = Lines(await _root.ReadFileAsync("/etc/fstab", CancellationToken.None)).Where(l => !l.StartsWith("tmpfs", StringComparison.Ordinal)).ToList();
        Assert.Equal("home\t/home\tvirtiofs\tdefaults,nofail,x-systemd.before=local-fs.target\t0\t0", shareLines[0]);
        Assert.Equal(["/home", "/project", "/home/diskless/read\\040only\\040docs"], shareLines.Select(l => l.Split('\t')[1]));
    }

    [Fact]
    public async Task A_9p_root_has_no_home_share_and_keeps_home_on_the_root()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.NineP, syncedTransport: ShareTransport.VirtioFs);

        var fstab = Lines(await _root.ReadFileAsync("/etc/fstab", CancellationToken.None));
        Assert.DoesNotContain(fstab, l => l.Split('\t') is [_, "/home", ..]);
        Assert.DoesNotContain(fstab, l => l.StartsWith(Share.HomeTag + "\t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rolling_release_gets_no_updates_or_security_suites()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs, distro: Specs.Distro(release: "sid"));

        Assert.Equal(["deb http://deb.debian.org/debian sid main"], Lines(await _root.ReadFileAsync("/etc/apt/sources.list", CancellationToken.None)));
    }

    [Fact]
    public async Task A_mirror_without_a_security_sibling_gets_debians_security_archive_and_the_chosen_components()
    {
        FakeBaseTree.Create(_root.Path);
        var settings = new Dictionary<string, SpecValue> { ["components"] = new(new List<object> { "main", "non-free-firmware" }, Specs.DistroTable) };

        await ConfigureAsync(ShareTransport.VirtioFs, distro: Specs.Distro(mirror: "http://apt-cache.local:3142/debian-mirror", settings: settings));

        Assert.Equal(
            [
                "deb http://apt-cache.local:3142/debian-mirror bookworm main non-free-firmware",
                "deb http://apt-cache.local:3142/debian-mirror bookworm-updates main non-free-firmware",
                "deb http://security.debian.org/debian-security bookworm-security main non-free-firmware",
            ],
            Lines(await _root.ReadFileAsync("/etc/apt/sources.list", CancellationToken.None)));
    }

    [Fact]
    public async Task Configure_keeps_an_existing_user_and_uses_its_home()
    {
        FakeBaseTree.Create(_root.Path);
        FakeBaseTree.Write(_root.Path, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndiskless:x:1000:1000::/srv/diskless:/bin/bash\n");

        await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.DoesNotContain(_host.Runner.Commands, c => c.FileName.EndsWith("useradd", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_root.Path, "srv/diskless/.ssh/authorized_keys")));
        Assert.Equal((1000, 1000), Ownership.Of(Path.Combine(_root.Path, "srv/diskless/.ssh")));
        Assert.Equal((1000, 1000), Ownership.Of(Path.Combine(_root.Path, "srv/diskless/.ssh/authorized_keys")));
        Assert.Contains("root:x:0:0:root:/root:/bin/bash\ndiskless:x:1000:1000::/srv/diskless:/bin/bash\n", await _root.ReadFileAsync("/etc/passwd", CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_login_user_may_log_in_with_its_key_but_never_with_a_password()
    {
        FakeBaseTree.Create(_root.Path);
        var request = Request(ShareTransport.VirtioFs) is var r ? r with { Identity = Specs.Identity(_temp.Combine("keys"), user: "root") } : null!;

        await _distro.ConfigureAsync(request, _host, CancellationToken.None);

        var sshd = await _root.ReadFileAsync("/etc/ssh/sshd_config.d/diskless.conf", CancellationToken.None);
        Assert.Contains("PermitRootLogin prohibit-password\n", sshd, StringComparison.Ordinal);
        Assert.Contains("PasswordAuthentication no\n", sshd, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root.Path, "root/.ssh/authorized_keys")));
        Assert.DoesNotContain(_host.Runner.Commands, c => c.FileName.EndsWith("useradd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configure_leaves_only_the_pinned_host_keys_in_etc_ssh()
    {
        FakeBaseTree.Create(_root.Path);

        await ConfigureAsync(ShareTransport.VirtioFs);

        var keys = Directory.EnumerateFiles(Path.Combine(_root.Path, "etc/ssh"), "ssh_host_*").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["ssh_host_ed25519_key", "ssh_host_ed25519_key.pub", "ssh_host_rsa_key", "ssh_host_rsa_key.pub"], keys);
        Assert.Equal(
            File.ReadAllText(_temp.Combine("keys", "ssh_host_ed25519_key")),
            File.ReadAllText(Path.Combine(_root.Path, "etc/ssh/ssh_host_ed25519_key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_root.Path, "etc/ssh/ssh_host_ed25519_key")));
    }

    [Fact]
    public async Task Configure_replaces_a_resolv_conf_link_instead_of_writing_through_it()
    {
        FakeBaseTree.Create(_root.Path);
        var hostFile = _temp.Combine("host-resolv.conf");
        File.WriteAllText(hostFile, "nameserver 192.168.1.1\n");
        File.Delete(Path.Combine(_root.Path, "etc/resolv.conf"));
        File.CreateSymbolicLink(Path.Combine(_root.Path, "etc/resolv.conf"), hostFile);

        await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.Equal("nameserver 192.168.1.1\n", File.ReadAllText(hostFile));
        Assert.Null(new FileInfo(Path.Combine(_root.Path, "etc/resolv.conf")).LinkTarget);
        Assert.Contains("nameserver 10.0.2.3", await _root.ReadFileAsync("/etc/resolv.conf", CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_masks_a_unit_even_where_a_unit_file_of_that_name_exists()
    {
        FakeBaseTree.Create(_root.Path);
        FakeBaseTree.Write(_root.Path, "etc/systemd/system/apt-daily.timer", "[Timer]\nOnCalendar=daily\n");

        await ConfigureAsync(ShareTransport.VirtioFs);

        Assert.Equal("/dev/null", new FileInfo(Path.Combine(_root.Path, "etc/systemd/system/apt-daily.timer")).LinkTarget);
    }

    [Fact]
    public async Task Configure_generates_a_locale_that_is_not_built_in()
    {
        FakeBaseTree.Create(_root.Path, withLocaleGen: true);

        await ConfigureAsync(ShareTransport.VirtioFs, distro: Specs.Distro(locale: "de_DE.UTF-8", timezone: "Europe/Berlin"));

        Assert.Equal("LANG=de_DE.UTF-8\n", await _root.ReadFileAsync("/etc/default/locale", CancellationToken.None));
        Assert.Contains("de_DE.UTF-8 UTF-8\n", await _root.ReadFileAsync("/etc/locale.gen", CancellationToken.None), StringComparison.Ordinal);
        Assert.Contains(_host.Runner.Commands, c => c.FileName == "/usr/sbin/locale-gen");
        Assert.Equal("/usr/share/zoneinfo/Europe/Berlin", new FileInfo(Path.Combine(_root.Path, "etc/localtime")).LinkTarget);
        Assert.Equal("Europe/Berlin\n", await _root.ReadFileAsync("/etc/timezone", CancellationToken.None));
    }

    [Fact]
    public async Task Configure_warns_when_the_base_cannot_generate_the_locale()
    {
        FakeBaseTree.Create(_root.Path, withLocaleGen: false);

        await ConfigureAsync(ShareTransport.VirtioFs, distro: Specs.Distro(locale: "de_DE.UTF-8"));

        Assert.Contains(_host.RecordedProgress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains("de_DE.UTF-8", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Runner.Commands, c => c.FileName == "/usr/sbin/locale-gen");
    }

    [Theory]
    [InlineData("/dev/vda")]
    [InlineData("LABEL=root")]
    [InlineData("root fs")]
    public async Task A_root_tag_the_initramfs_cannot_mount_is_refused_before_anything_changes(string tag)
    {
        FakeBaseTree.Create(_root.Path);
        var request = Request(ShareTransport.VirtioFs) is var r ? r with { Shares = [r.Shares[0] with { Tag = tag }] } : null!;

        var error = await Assert.ThrowsAsync<DisklessException>(() => _distro.ConfigureAsync(request, _host, CancellationToken.None));

        Assert.Contains(tag, error.Message, StringComparison.Ordinal);
        Assert.Equal("buildhost\n", await _root.ReadFileAsync("/etc/hostname", CancellationToken.None));
        Assert.Empty(_host.Runner.Commands);
    }

    [Fact]
    public async Task A_root_without_a_kernel_is_an_error_that_names_the_link()
    {
        FakeBaseTree.Create(_root.Path);
        File.Delete(Path.Combine(_root.Path, "boot", $"vmlinuz-{FakeBaseTree.KernelVersion}"));

        var error = await Assert.ThrowsAsync<DisklessException>(() => ConfigureAsync(ShareTransport.VirtioFs));

        Assert.Contains("/vmlinuz", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public async Task A_kernel_that_is_a_fifo_is_refused_not_handed_to_the_provider()
    {
        FakeBaseTree.Create(_root.Path);
        var kernel = Path.Combine(_root.Path, "boot", $"vmlinuz-{FakeBaseTree.KernelVersion}");
        File.Delete(kernel);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", kernel))
        {
            await mkfifo.WaitForExitAsync();
        }

        var error = await Assert.ThrowsAsync<DisklessException>(() => ConfigureAsync(ShareTransport.VirtioFs).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_update_initramfs_fails_configure_with_its_output()
    {
        FakeBaseTree.Create(_root.Path);
        _host.Runner.Fail("update-initramfs", 1, "update-initramfs: failed for /boot/initrd.img-6.1.0-99-amd64 with 1.\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => ConfigureAsync(ShareTransport.VirtioFs));

        Assert.StartsWith("building the initramfs", error.Message, StringComparison.Ordinal);
        Assert.Equal(["update-initramfs: failed for /boot/initrd.img-6.1.0-99-amd64 with 1."], error.OutputTail);
        Assert.Contains("failed: Configuring the machine root", _host.RecordedProgress.Lines);
    }

    /// <summary>
    /// Every step of <paramref name="plan"/> left its mark in the root as the last step on that path says: a written
    /// file with its content and mode, a copy with its source's content, a folder, a link to its target, a deletion.
    /// </summary>
    private void AssertTreeHolds(ConfigurePlan plan)
    {
        var last = new Dictionary<string, RootEdit>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            switch (step)
            {
                case WriteFileEdit w: last[w.GuestPath] = w; break;
                case CopyFileEdit c: last[c.GuestPath] = c; break;
                case CreateDirectoryEdit d: last[d.GuestPath] = d; break;
                case SymlinkEdit l: last[l.GuestPath] = l; break;
                case DeleteFileEdit d: last[d.GuestPath] = d; break;
            }
        }

        Assert.NotEmpty(last);
        foreach (var (guestPath, step) in last)
        {
            var path = _root.Path + guestPath;
            switch (step)
            {
                case WriteFileEdit w:
                    Assert.Null(new FileInfo(path).LinkTarget);
                    Assert.Equal(w.Content, File.ReadAllText(path));
                    Assert.Equal(w.Mode, File.GetUnixFileMode(path));
                    break;
                case CopyFileEdit c:
                    Assert.Equal(File.ReadAllText(c.HostSource), File.ReadAllText(path));
                    Assert.Equal(c.Mode, File.GetUnixFileMode(path));
                    break;
                case CreateDirectoryEdit d:
                    Assert.True(Directory.Exists(path), guestPath);
                    Assert.Equal(d.Mode, File.GetUnixFileMode(path));
                    break;
                case SymlinkEdit l:
                    Assert.Equal(l.Target, new FileInfo(path).LinkTarget);
                    break;
                case DeleteFileEdit:
                    Assert.False(File.Exists(path) || new FileInfo(path).LinkTarget is not null, $"{guestPath} should be gone");
                    break;
            }
        }
    }

    private ConfigureRequest Request(
        ShareTransport transport,
        ShareTransport? syncedTransport = null,
        int msize = ShareSpec.DefaultNinePMsize,
        DistroSpec? distro = null,
        GuestNetwork? network = null,
        bool guestHasRun = false) =>
        new(
            _root,
            Specs.Machine(distro, transport),
            Specs.Shares(_root.Path, transport, syncedTransport, msize),
            Specs.Identity(_temp.Combine("keys")),
            network ?? Specs.StaticNetwork(),
            guestHasRun);

    private Task<BootArtifacts> ConfigureAsync(
        ShareTransport transport,
        ShareTransport? syncedTransport = null,
        int msize = ShareSpec.DefaultNinePMsize,
        DistroSpec? distro = null) =>
        _distro.ConfigureAsync(Request(transport, syncedTransport, msize, distro), _host, CancellationToken.None);

    private string Transcript() => _host.Runner.Transcript.Replace(_root.Path, "ROOT", StringComparison.Ordinal);

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
}
