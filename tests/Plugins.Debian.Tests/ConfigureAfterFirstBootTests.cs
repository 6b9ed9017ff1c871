using Diskless.Abstractions;
using Diskless.Plugins.Debian.Configure;
using Diskless.PluginSupport.Configure;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

/// <summary>
/// Once the guest has run, its root may be hostile: configuring it runs none of its programs (no useradd, chown,
/// locale-gen or update-initramfs in a chroot), edits the account files on the host, and hands nothing outside the
/// root — nor anything a link points to — to the guest's user.
/// </summary>
public sealed class ConfigureAfterFirstBootTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestHost _host;
    private readonly DebianDistro _distro = new();
    private readonly MachineRoot _root;

    public ConfigureAfterFirstBootTests()
    {
        _host = new TestHost(_temp.Combine("data"));
        _root = new MachineRoot(_temp.Combine("root"));
        Directory.CreateDirectory(_root.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ShareTransport.VirtioFs, false, "C.UTF-8", false)]
    [InlineData(ShareTransport.VirtioFs, true, "C.UTF-8", false)]
    [InlineData(ShareTransport.NineP, false, "de_DE.UTF-8", false)]
    [InlineData(ShareTransport.NineP, true, "de_DE.UTF-8", true)]
    [InlineData(ShareTransport.VirtioFs, false, "de_DE.UTF-8", true)]
    [InlineData(ShareTransport.NineP, true, "C.UTF-8", true)]
    public async Task A_root_the_guest_has_run_is_configured_without_running_any_of_its_programs(ShareTransport transport, bool userExists, string locale, bool dhcp)
    {
        FakeBaseTree.Create(_root.Path, withUser: userExists, withLocaleGen: true);
        var request = Request(transport, locale, dhcp ? Specs.DhcpNetwork() : Specs.StaticNetwork(), guestHasRun: true);

        var plan = new ConfigurePlanner(_host.Templates).Plan(request, await RootProbe.ReadAsync(new HostOwnedRootFiles(_root.Path), CancellationToken.None));
        await _distro.ConfigureAsync(request, _host, CancellationToken.None);

        Assert.DoesNotContain(plan.Steps, s => s is RunInRootStep);
        Assert.Empty(_host.Runner.Commands);
        Assert.Empty(_host.Runner.Transcript);
        Assert.True(File.Exists(Path.Combine(_root.Path, "home/diskless/.ssh/authorized_keys")));
        Assert.Equal((1000, 1000), Ownership.Of(Path.Combine(_root.Path, "home/diskless/.ssh/authorized_keys")));
    }

    [Fact]
    public async Task Before_the_first_boot_only_the_bases_own_locale_gen_and_update_initramfs_run()
    {
        FakeBaseTree.Create(_root.Path, withLocaleGen: true);

        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, "de_DE.UTF-8", guestHasRun: false), _host, CancellationToken.None);

        Assert.Equal(["/usr/sbin/locale-gen", "/usr/sbin/update-initramfs"], _host.Runner.Commands.Select(c => c.FileName));
    }

    [Fact]
    public async Task A_new_user_gets_its_lines_in_every_account_file_and_its_home_and_key_as_its_own()
    {
        FakeBaseTree.Create(_root.Path);

        var plan = new ConfigurePlanner(_host.Templates).Plan(Request(ShareTransport.VirtioFs, guestHasRun: true), await RootProbe.ReadAsync(new HostOwnedRootFiles(_root.Path), CancellationToken.None));
        await new ConfigureExecutor(_host).ApplyAsync(new HostOwnedRootFiles(_root.Path), plan, CancellationToken.None);

        Golden.AssertText(await AccountFilesAsync(), "after-first-boot/accounts.txt");
        Assert.Contains("diskless:x:1000:1000::/home/diskless:/bin/bash", await LinesAsync("/etc/passwd"));
        Assert.Contains("diskless:x:1000:", await LinesAsync("/etc/group"));
        Assert.Contains("sudo:x:27:diskless", await LinesAsync("/etc/group"));
        Assert.Contains("diskless:!:::::::", await LinesAsync("/etc/shadow"));
        Assert.Contains("diskless:!::", await LinesAsync("/etc/gshadow"));
        Assert.Contains("sudo:*::diskless", await LinesAsync("/etc/gshadow"));
        // The shadow files keep their mode and go back to root:shadow, as the base had them.
        Assert.Equal(FakeBaseTree.ShadowMode, File.GetUnixFileMode(Path.Combine(_root.Path, "etc/shadow")));
        Assert.Equal((0, 42), Ownership.Of(Path.Combine(_root.Path, "etc/shadow")));
        Assert.Equal((0, 42), Ownership.Of(Path.Combine(_root.Path, "etc/gshadow")));
        Assert.Equal((0, 0), Ownership.Of(Path.Combine(_root.Path, "etc/passwd")));
        foreach (var path in new[] { "home/diskless", "home/diskless/.bashrc", "home/diskless/.profile", "home/diskless/.ssh", "home/diskless/.ssh/authorized_keys" })
        {
            Assert.Equal((1000, 1000), Ownership.Of(Path.Combine(_root.Path, path)));
        }

        Assert.Equal("# ~/.bashrc\n", File.ReadAllText(Path.Combine(_root.Path, "home/diskless/.bashrc")));
    }

    [Fact]
    public async Task Configuring_again_leaves_the_account_files_alone()
    {
        FakeBaseTree.Create(_root.Path);
        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: false), _host, CancellationToken.None);
        var once = await AccountFilesAsync();

        var facts = await RootProbe.ReadAsync(new HostOwnedRootFiles(_root.Path), CancellationToken.None);
        var plan = new ConfigurePlanner(_host.Templates).Plan(Request(ShareTransport.NineP, guestHasRun: true), facts);
        await new ConfigureExecutor(_host).ApplyAsync(new HostOwnedRootFiles(_root.Path), plan, CancellationToken.None);

        Assert.Equal(once, await AccountFilesAsync());
        Assert.DoesNotContain(plan.Steps, s => s is WriteFileEdit { GuestPath: "/etc/passwd" or "/etc/group" or "/etc/shadow" or "/etc/gshadow" });
    }

    [Fact]
    public async Task A_new_user_takes_the_first_free_uid_and_a_group_of_its_own()
    {
        FakeBaseTree.Create(_root.Path);
        FakeBaseTree.Write(_root.Path, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1000::/home/bob:/bin/bash\n");
        FakeBaseTree.Write(_root.Path, "etc/group", "root:x:0:\nsudo:x:27:alice\nshadow:x:42:\nalice:x:1000:\nstaff:x:1002:\n");

        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None);

        // Gid 1002 is staff's, so its group takes the first free one, as useradd's would.
        Assert.Contains("diskless:x:1002:1001::/home/diskless:/bin/bash", await LinesAsync("/etc/passwd"));
        Assert.Contains("diskless:x:1001:", await LinesAsync("/etc/group"));
        Assert.Contains("sudo:x:27:alice,diskless", await LinesAsync("/etc/group"));
        Assert.Equal((1002, 1001), Ownership.Of(Path.Combine(_root.Path, "home/diskless/.ssh")));
    }

    [Theory]
    [InlineData("diskless:x:1000:1000::/home/diskless\n", "line 2 has 6 fields, not 7")]
    [InlineData("diskless:x:-1:1000::/home/diskless:/bin/bash\n", "line 2 has '-1' as field 3")]
    [InlineData("diskless:x:99999999999:1000::/home/diskless:/bin/bash\n", "line 2 has '99999999999' as field 3")]
    [InlineData("diskless:x:1000:1000::../../etc:/bin/bash\n", "line 2 has '../../etc' as field 6")]
    [InlineData("diskless:x:1000:1000::/home/../../etc:/bin/bash\n", "line 2 has '/home/../../etc' as field 6")]
    [InlineData("evil\u001b[2J:x:1001:1001::/home/evil:/bin/bash\n", "line 2 holds a control character")]
    [InlineData("nobody:x:lots:1000::/:/bin/sh\n", "line 2 has 'lots' as field 3")]
    public async Task A_malformed_passwd_is_refused_by_line_before_anything_changes(string line, string problem)
    {
        FakeBaseTree.Create(_root.Path);
        FakeBaseTree.Write(_root.Path, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n" + line);

        var error = await Assert.ThrowsAsync<DisklessException>(() => _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None));

        Assert.Contains("/etc/passwd " + problem, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
        Assert.Equal("buildhost\n", await _root.ReadFileAsync("/etc/hostname", CancellationToken.None));
    }

    [Fact]
    public async Task An_account_file_that_is_not_utf8_is_refused_rather_than_rewritten()
    {
        FakeBaseTree.Create(_root.Path);
        File.WriteAllBytes(Path.Combine(_root.Path, "etc/group"), [.. "root:x:0:\nsudo:x:27:\nlat"u8, 0xE9, .. "n1:x:500:\n"u8]);

        var error = await Assert.ThrowsAsync<DisklessException>(() => _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None));

        Assert.Contains("/etc/group line 3 is not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_account_file_is_refused_not_read()
    {
        FakeBaseTree.Create(_root.Path);
        using (var group = File.OpenWrite(Path.Combine(_root.Path, "etc/group")))
        {
            group.SetLength(64L * 1024 * 1024);
        }

        var error = await Assert.ThrowsAsync<DisklessException>(() => _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None));

        Assert.Contains("/etc/group", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_name_with_odd_characters_in_the_guests_files_is_kept_as_it_is_and_injects_nothing()
    {
        FakeBaseTree.Create(_root.Path);
        FakeBaseTree.Write(_root.Path, "etc/group", "root:x:0:\nsudo:x:27:we ird,ünï\nshadow:x:42:\n");

        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None);

        Assert.Equal(["root:x:0:", "sudo:x:27:we ird,ünï,diskless", "shadow:x:42:", "diskless:x:1000:"], await LinesAsync("/etc/group"));
    }

    [Fact]
    public async Task An_ssh_folder_that_links_outside_the_root_is_refused_and_nothing_outside_is_touched()
    {
        FakeBaseTree.Create(_root.Path, withUser: true);
        var outside = Directory.CreateDirectory(_temp.Combine("outside")).FullName;
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(_root.Path, "home/diskless"));
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "home/diskless/.ssh"), outside);

        var error = await Assert.ThrowsAsync<DisklessException>(() => _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None));

        Assert.Contains("/home/diskless/.ssh", error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal((0, 0), Ownership.Of(outside));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(outside));
        // Nor is anything inside the root handed through the link: where an absolute link means root/<path>.
        Assert.False(Directory.Exists(Path.Combine(_root.Path, outside.TrimStart('/'))));
        Assert.Empty(_host.Runner.Commands);
    }

    [Fact]
    public async Task A_home_that_is_a_link_is_refused()
    {
        FakeBaseTree.Create(_root.Path, withUser: true);
        Directory.CreateDirectory(Path.Combine(_root.Path, "home"));
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "home/diskless"), "/etc");

        var error = await Assert.ThrowsAsync<DisklessException>(() => _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None));

        Assert.Contains("/home/diskless ", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "etc/.ssh")));
        Assert.Equal((0, 0), Ownership.Of(Path.Combine(_root.Path, "etc")));
    }

    [Fact]
    public async Task An_authorized_keys_link_to_a_host_file_is_replaced_and_the_host_file_keeps_its_owner()
    {
        FakeBaseTree.Create(_root.Path, withUser: true);
        var hostFile = _temp.Combine("host-file");
        File.WriteAllText(hostFile, "host\n");
        Directory.CreateDirectory(Path.Combine(_root.Path, "home/diskless/.ssh"));
        File.CreateSymbolicLink(Path.Combine(_root.Path, "home/diskless/.ssh/authorized_keys"), hostFile);

        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, guestHasRun: true), _host, CancellationToken.None);

        Assert.Equal("host\n", File.ReadAllText(hostFile));
        Assert.Equal((0, 0), Ownership.Of(hostFile));
        Assert.Null(new FileInfo(Path.Combine(_root.Path, "home/diskless/.ssh/authorized_keys")).LinkTarget);
        Assert.Equal((1000, 1000), Ownership.Of(Path.Combine(_root.Path, "home/diskless/.ssh/authorized_keys")));
    }

    [Fact]
    public async Task A_changed_locale_is_generated_by_the_guest_at_its_next_boot_and_an_unchanged_one_is_not()
    {
        FakeBaseTree.Create(_root.Path, withLocaleGen: true);
        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, "de_DE.UTF-8", guestHasRun: false), _host, CancellationToken.None);
        Assert.False(_root.Exists("/var/lib/diskless/generate-locales"));
        var before = _host.Runner.Commands.Count;

        await _distro.ConfigureAsync(Request(ShareTransport.VirtioFs, "fr_FR.UTF-8", guestHasRun: true), _host, CancellationToken.None);

        Assert.Contains("fr_FR.UTF-8 UTF-8\n", await _root.ReadFileAsync("/etc/locale.gen", CancellationToken.None), StringComparison.Ordinal);
        Assert.True(_root.Exists("/var/lib/diskless/generate-locales"));
        var unit = await _root.ReadFileAsync("/etc/systemd/system/diskless-locale-gen.service", CancellationToken.None);
        Assert.Contains("ConditionPathExists=/var/lib/diskless/generate-locales\n", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/sbin/locale-gen\n", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStartPost=/bin/rm -f /var/lib/diskless/generate-locales\n", unit, StringComparison.Ordinal);
        Assert.Contains("Before=ssh.service", unit, StringComparison.Ordinal);
        Assert.Equal(
            "/etc/systemd/system/diskless-locale-gen.service",
            new FileInfo(_root.ResolveParent("/etc/systemd/system/multi-user.target.wants/diskless-locale-gen.service")).LinkTarget);
        Assert.Equal(before, _host.Runner.Commands.Count);

        // The guest generated it (its unit removed the flag); the same locale again asks for nothing.
        _root.DeleteFile("/var/lib/diskless/generate-locales");
        await _distro.ConfigureAsync(Request(ShareTransport.NineP, "fr_FR.UTF-8", guestHasRun: true), _host, CancellationToken.None);
        Assert.False(_root.Exists("/var/lib/diskless/generate-locales"));
    }

    [Fact]
    public async Task Every_initramfs_carries_both_transports_and_the_network_script()
    {
        FakeBaseTree.Create(_root.Path);

        await _distro.ConfigureAsync(Request(ShareTransport.NineP, network: Specs.DhcpNetwork(), guestHasRun: false), _host, CancellationToken.None);

        Assert.Equal(
            ["virtio_pci", "virtio_net", "9pnet", "9pnet_virtio", "9p", "virtiofs"],
            (await LinesAsync("/etc/initramfs-tools/modules")).Where(l => !l.StartsWith('#')));
        Assert.True(_root.Exists("/etc/initramfs-tools/scripts/init-premount/diskless-network"));
    }

    [Fact]
    public async Task An_initramfs_an_older_diskless_built_with_one_transport_is_warned_about_not_rebuilt()
    {
        FakeBaseTree.Create(_root.Path);
        FakeBaseTree.Write(_root.Path, "etc/initramfs-tools/modules", "virtio_pci\nvirtio_net\nvirtiofs\n");

        await _distro.ConfigureAsync(Request(ShareTransport.NineP, guestHasRun: true), _host, CancellationToken.None);

        var warning = Assert.Single(_host.RecordedProgress.Lines, l => l.StartsWith("warn: ", StringComparison.Ordinal));
        Assert.Contains("9pnet, 9pnet_virtio, 9p", warning, StringComparison.Ordinal);
        Assert.Contains("update-initramfs", warning, StringComparison.Ordinal);
        Assert.Empty(_host.Runner.Commands);
    }

    [Fact]
    public async Task The_executor_refuses_to_run_a_program_in_a_root_the_guest_has_run()
    {
        FakeBaseTree.Create(_root.Path);
        var plan = new ConfigurePlan([new RunInRootStep(new CommandSpec("/usr/sbin/useradd", "x"))], "root=rootfs", [], GuestHasRun: true);

        await Assert.ThrowsAsync<InvalidOperationException>(() => new ConfigureExecutor(_host).ApplyAsync(new HostOwnedRootFiles(_root.Path), plan, CancellationToken.None));

        Assert.Empty(_host.Runner.Commands);
    }

    private ConfigureRequest Request(ShareTransport transport, string locale = "C.UTF-8", GuestNetwork? network = null, bool guestHasRun = true) =>
        new(
            _root,
            Specs.Machine(Specs.Distro(locale: locale), transport),
            Specs.Shares(_root.Path, transport, transport),
            Specs.Identity(_temp.Combine("keys")),
            network ?? Specs.StaticNetwork(),
            guestHasRun);

    private async Task<List<string>> LinesAsync(string guestPath) =>
        (await _root.ReadFileAsync(guestPath, CancellationToken.None)).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private async Task<string> AccountFilesAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var path in new[] { "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow" })
        {
            text.Append("== ").Append(path).Append('\n').Append(await _root.ReadFileAsync(path, CancellationToken.None));
        }

        return text.ToString();
    }
}
