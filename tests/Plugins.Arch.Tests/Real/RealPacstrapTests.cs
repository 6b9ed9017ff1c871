using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Plugins.Arch.Tests.Support;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.Arch.Tests.Real;

/// <summary>The plugin's real base build (pacman-key, pacstrap, the cache cleaned) against a local repository: no Arch mirror is needed.</summary>
[Collection(RealBuilds.Name)]
public sealed class RealPacstrapTests(LocalPacmanRepository repository, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = Traversable(new TempDirectory("diskless-arch-real-"));

    public void Dispose() => _temp.Dispose();

    /// <summary>Guest root (a subordinate id: "others") must pass through the test's folder to its data dir.</summary>
    private static TempDirectory Traversable(TempDirectory folder)
    {
        File.SetUnixFileMode(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        return folder;
    }

    [RequiresFact("pacstrap", "pacman", "pacman-key", "makepkg", "repo-add", "gpgconf", "setpriv", Root = true)]
    public async Task Pacstrap_builds_a_base_from_a_local_repository_into_the_cache_and_leaves_nothing_mounted_or_running()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        var mirror = await repository.MirrorAsync();
        var host = new RealHost(_temp.Combine("data"));

        var path = await BuildAsync(host, mirror, ct);
        foreach (var line in host.RecordedProgress.Lines)
        {
            output.WriteLine(line);
        }

        AssertBase(host, path);
        Assert.Equal((0, 0), Owner(Path.Combine(path, "etc/passwd")));

        // Configure a copy of it, as up configures a clone: files from the templates, the base's own (dummy)
        // mkinitcpio run in the root through the real chroot, which leaves nothing mounted.
        var machine = _temp.Combine("machine");
        using (var copy = System.Diagnostics.Process.Start("cp", ["-a", path, machine]))
        {
            await copy.WaitForExitAsync(ct);
            Assert.Equal(0, copy.ExitCode);
        }

        var request = new ConfigureRequest(
            new MachineRoot(machine),
            Specs.Machine(ArchSpecs.Distro(mirror: "https://mirror.example/archlinux/$repo/os/$arch"), ShareTransport.VirtioFs),
            Specs.Shares(machine, ShareTransport.VirtioFs),
            Specs.Identity(_temp.Combine("keys")),
            Specs.StaticNetwork(),
            GuestHasRun: false);
        var artifacts = await ArchSpecs.Plugin().ConfigureAsync(request, host, ct);

        Assert.Equal(machine + "/boot/initramfs-linux.img", artifacts.InitrdPath);
        Assert.Equal("mkinitcpio image\n", File.ReadAllText(artifacts.InitrdPath));
        Assert.Equal(machine + "/boot/vmlinuz-linux", artifacts.KernelPath);
        Assert.Equal("root=rootfs rootfstype=virtiofs rw console=ttyS0", artifacts.KernelCommandLine);
        Assert.Contains("HOOKS=(base udev modconf)", File.ReadAllText(machine + "/etc/mkinitcpio.conf"), StringComparison.Ordinal);
        Assert.Contains("diskless:x:1000:1000::/home/diskless:/bin/bash", File.ReadAllText(machine + "/etc/passwd"), StringComparison.Ordinal);
        Assert.Contains("wheel:x:998:diskless", File.ReadAllText(machine + "/etc/group"), StringComparison.Ordinal);
        Assert.Equal("Server = https://mirror.example/archlinux/$repo/os/$arch\n", File.ReadAllLines(machine + "/etc/pacman.d/mirrorlist")[^1] + "\n");
        Assert.False(File.Exists(machine + "/etc/pacman.d/diskless-build.conf"), "the build's pacman.conf is not the guest's");
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(_temp.Path, StringComparison.Ordinal));
    }

    [RequiresFact("pacstrap", "pacman", "pacman-key", "makepkg", "repo-add", "gpgconf", "setpriv", "unshare", "nsenter", Root = true)]
    public async Task In_the_machines_namespace_pacstrap_N_builds_the_base_as_guest_root_with_the_machines_map()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        var mirror = await repository.MirrorAsync();
        var progress = new LineProgress(output.WriteLine);
        var runner = new CliWrapCommandRunner(progress);
        var map = NamespaceTestBase.Map;
        await using var holder = await NamespaceHolder.StartAsync(map, HostIdentity.Current(), runner, new ProcProcessTable(), _temp.Combine("run"), ct);
        var host = NamespaceTestBase.Host(runner, holder, progress, _temp.Combine("data"));

        string path;
        try
        {
            path = await BuildAsync(host, mirror, ct);
        }
        catch (CommandFailedException e)
        {
            // The output tail is the story of a failed pacstrap; the exception's message only names it.
            e.OutputTail.ToList().ForEach(output.WriteLine);
            throw;
        }

        AssertBase(host, path);
        Assert.EndsWith("-map" + map.Fingerprint, path, StringComparison.Ordinal);
        // Every file is guest root's, which is the map's first subordinate id on the host, not host root.
        Assert.Equal((map.SubordinateUidStart, map.SubordinateGidStart), Owner(Path.Combine(path, "etc/passwd")));
        Assert.Equal((map.SubordinateUidStart, map.SubordinateGidStart), Owner(Path.Combine(path, "boot/vmlinuz-linux")));
    }

    private static async Task<string> BuildAsync(IHostServices host, string mirror, CancellationToken ct)
    {
        var distro = ArchSpecs.Plugin();
        var spec = distro.DescribeBase(ArchSpecs.Distro(mirror: mirror, settings: [("check_signatures", false, 3), ("repositories", new List<object> { "core" }, 4)]));
        return await new BaseCache(host).EnsureAsync(distro, spec, ct);
    }

    private void AssertBase(IHostServices host, string path)
    {
        // The tree: the package's files, pacman's database of it, the keyring pacstrap -K kept, no cached package.
        Assert.StartsWith(Path.Combine(host.Paths.BasesDirectory, "arch-2026-11-x86_64-"), path, StringComparison.Ordinal);
        Assert.Equal("kernel image\n", File.ReadAllText(Path.Combine(path, "boot/vmlinuz-linux")));
        Assert.Contains("wheel:x:998:", File.ReadAllText(Path.Combine(path, "etc/group")), StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(path, "var/lib/pacman/local/base-1-1")), "pacman's local database records the package");
        Assert.True(File.Exists(Path.Combine(path, "etc/pacman.d/gnupg/pubring.gpg")) || File.Exists(Path.Combine(path, "etc/pacman.d/gnupg/pubring.kbx")), "the base has its own keyring");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(path, "var/cache/pacman/pkg")));
        Assert.Empty(Directory.EnumerateDirectories(host.Paths.TempDirectory));

        // Nothing pacstrap mounted under the tree is left, and no gpg-agent of its keyring runs on.
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(_temp.Path, StringComparison.Ordinal));
        var agents = Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists)
            .Select(f => { try { return File.ReadAllText(f); } catch (IOException) { return ""; } })
            .Where(c => c.Contains("gpg-agent", StringComparison.Ordinal) && c.Contains(_temp.Path, StringComparison.Ordinal));
        Assert.Empty(agents);
    }

    private static (long Uid, long Gid) Owner(string path) =>
        FileStatus.Read(path, followLinks: false) is { } s ? (s.Uid, s.Gid) : throw new FileNotFoundException(path);
}
