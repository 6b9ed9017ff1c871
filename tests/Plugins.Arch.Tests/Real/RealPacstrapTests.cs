using Diskless.Abstractions;
using Diskless.Cli.State;
using Diskless.Plugins.Arch.Tests.Support;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.Arch.Tests.Real;

/// <summary>The plugin's real base build (pacman-key, pacstrap, the cache cleaned) against a local repository: no Arch mirror is needed.</summary>
public sealed class RealPacstrapTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new("diskless-arch-real-");

    public void Dispose() => _temp.Dispose();

    [RequiresFact("pacstrap", "pacman", "pacman-key", "makepkg", "repo-add", "gpgconf", "setpriv", Root = true)]
    public async Task Pacstrap_builds_a_base_from_a_local_repository_into_the_cache_and_leaves_nothing_mounted_or_running()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        // The temp folder is nobody's while makepkg runs in it; the data dir beside the repository stays root's.
        var repositoryFolder = _temp.Combine("repo");
        Directory.CreateDirectory(repositoryFolder);
        File.SetUnixFileMode(_temp.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        var mirror = await LocalPacmanRepository.CreateAsync(repositoryFolder, ct);
        var host = new RealHost(_temp.Combine("data"));
        var distro = ArchSpecs.Plugin();
        var spec = distro.DescribeBase(ArchSpecs.Distro(mirror: mirror, settings: [("check_signatures", false, 3), ("repositories", new List<object> { "core" }, 4)]));

        var path = await new BaseCache(host).EnsureAsync(distro, spec, ct);
        foreach (var line in host.RecordedProgress.Lines)
        {
            output.WriteLine(line);
        }

        // The tree: the package's files, pacman's database of it, the keyring pacstrap -K kept, no cached package.
        Assert.StartsWith(Path.Combine(host.Paths.BasesDirectory, "arch-2026-11-x86_64-"), path, StringComparison.Ordinal);
        Assert.Equal("kernel image\n", await File.ReadAllTextAsync(Path.Combine(path, "boot/vmlinuz-linux"), ct));
        Assert.Contains("wheel:x:998:", await File.ReadAllTextAsync(Path.Combine(path, "etc/group"), ct), StringComparison.Ordinal);
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
}
