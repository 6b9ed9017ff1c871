using Diskless.Abstractions;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

/// <summary>A base for a machine whose roots belong to its subordinate ids: mmdebstrap entered into its namespace.</summary>
public sealed class BuildBaseInNamespaceTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TestHost _host;
    private readonly string _target;
    private readonly DebianDistro _distro = new();

    public BuildBaseInNamespaceTests()
    {
        _host = new TestHost(_data.Path);
        _host.Fake.Namespace = new FakeUserNamespace();
        _target = Path.Combine(_host.Paths.TempDirectory, "base-123");
        Directory.CreateDirectory(_target);
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task With_a_namespace_the_base_is_built_by_mmdebstrap_in_unshare_mode_as_guest_root_and_nothing_else_runs()
    {
        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro(packages: ["git"])), _target, _host, CancellationToken.None);

        Golden.AssertText(Transcript(), "build-base/mmdebstrap-transcript.txt");
        var command = Assert.Single(_host.Runner.Commands);
        Assert.Equal("nsenter", command.FileName);
        Assert.False(command.RequiresRoot);
        var arguments = AfterSeparator(command);
        Assert.Equal("mmdebstrap", arguments[0]);
        Assert.Contains("--mode=unshare", arguments);
        Assert.Contains("--variant=minbase", arguments);
        Assert.Contains("--components=main", arguments);
        Assert.Contains("--architectures=amd64", arguments);
        Assert.Equal(["bookworm", _target, "http://deb.debian.org/debian"], arguments[^3..]);
        var include = arguments.Single(a => a.StartsWith("--include=", StringComparison.Ordinal))["--include=".Length..].Split(',');
        Assert.Equal([.. DebianDefaults.BasePackages.Append("git").Order(StringComparer.Ordinal)], include);
        // The host user's HOME is not guest root's: mmdebstrap (and dpkg under it) must not look there.
        Assert.True(command.Environment.TryGetValue("HOME", out var home) && home is null);
        // No initramfs in a base: the kernel's hook and initramfs-tools' trigger made two MODULES=most images no machine boots.
        Assert.Equal("No", command.Environment["INITRD"]);
        // No apt-get clean: mmdebstrap's own cleanup removes the downloaded packages.
        Assert.DoesNotContain(_host.Runner.Transcript.Split('\n'), l => l.StartsWith("[chroot", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("minbase", "minbase")]
    [InlineData("buildd", "buildd")]
    [InlineData("standard", "debootstrap")]
    public async Task Debootstraps_variants_become_mmdebstraps_with_the_same_package_set(string variant, string expected)
    {
        var settings = new Dictionary<string, SpecValue> { ["variant"] = new(variant, Specs.DistroTable) };

        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro(settings: settings)), _target, _host, CancellationToken.None);

        Assert.Single(AfterSeparator(_host.Runner.Commands[0]), a => a.StartsWith("--variant=", StringComparison.Ordinal) && a == "--variant=" + expected);
    }

    [Fact]
    public async Task Components_and_mirror_from_the_disklessfile_reach_mmdebstrap()
    {
        var settings = new Dictionary<string, SpecValue> { ["components"] = new(new List<string> { "main", "contrib" }, Specs.DistroTable) };

        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro(release: "trixie", mirror: "http://mirror.example/debian/", settings: settings)), _target, _host, CancellationToken.None);

        var arguments = AfterSeparator(_host.Runner.Commands[0]);
        Assert.Contains("--components=main,contrib", arguments);
        Assert.Equal(["trixie", _target, "http://mirror.example/debian"], arguments[^3..]);
    }

    [Fact]
    public async Task Mmdebstraps_output_becomes_stage_details()
    {
        _host.Runner.Print(
            "nsenter",
            string.Join('\n',
                "I: chroot architecture amd64 is equal to the host's architecture",
                "I: running apt-get update...",
                "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
                "I: downloading packages with apt...",
                "Get:2 http://deb.debian.org/debian bookworm/main amd64 libc6 amd64 2.36-9+deb12u14 [2759 kB]",
                "I: installing essential packages...",
                "Unpacking libc6:amd64 (2.36-9+deb12u14) ...",
                "Setting up libc6:amd64 (2.36-9+deb12u14) ...",
                "Setting up libc6:amd64 (2.36-9+deb12u14) ...",
                "I: success in 65.1 seconds"));

        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None);

        const string Stage = "Building the Debian bookworm base with mmdebstrap";
        Assert.Equal(
            [
                "stage: " + Stage,
                $"update: {Stage}: reading package lists",
                $"update: {Stage}: downloading package lists",
                $"update: {Stage}: downloading packages",
                $"update: {Stage}: downloading libc6",
                $"update: {Stage}: installing essential packages",
                $"update: {Stage}: installing libc6",
                $"update: {Stage}: configuring libc6",
                $"update: {Stage}: base system installed",
                "done: " + Stage,
            ],
            _host.RecordedProgress.Lines);
    }

    [Fact]
    public async Task A_failing_mmdebstrap_keeps_its_last_lines_and_names_a_known_cause()
    {
        _host.Runner.Fail("nsenter", 25, "I: running apt-get update...\nW: no entry in /etc/subuid for dlnosub\nE: failed to parse /etc/subuid and /etc/subgid\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() =>
            _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None));

        Assert.Equal("downloading and installing Debian bookworm (mmdebstrap) failed with exit code 25", error.Message);
        Assert.Equal("E: failed to parse /etc/subuid and /etc/subgid", error.OutputTail[^1]);
        Assert.Contains("usermod --add-subuids", error.Hint, StringComparison.Ordinal);
        Assert.Contains("failed: Building the Debian bookworm base with mmdebstrap", _host.RecordedProgress.Lines);
    }

    [Fact]
    public async Task Any_other_mmdebstrap_failure_points_at_the_mirror_and_the_package_set()
    {
        _host.Runner.Fail("nsenter", 1, "E: Unable to locate package no-such-package\nE: apt-get --yes install failed\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() =>
            _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None));

        Assert.Contains("http://deb.debian.org/debian", error.Hint, StringComparison.Ordinal);
        Assert.Contains("mmdebstrap's output", error.Hint, StringComparison.Ordinal);
        Assert.Contains("E: Unable to locate package no-such-package", error.OutputTail);
    }

    [Fact]
    public async Task The_package_cache_is_linked_into_the_archive_before_the_download_and_what_is_new_linked_back_before_cleanup()
    {
        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None);

        var arguments = AfterSeparator(Assert.Single(_host.Runner.Commands));
        var cache = ShellQuoting.Quote(_host.Paths.PackageCacheFor("debian"));
        Assert.Contains("--skip=essential/unlink", arguments);
        var setup = Assert.Single(arguments, a => a.StartsWith("--setup-hook=", StringComparison.Ordinal));
        var customize = Assert.Single(arguments, a => a.StartsWith("--customize-hook=", StringComparison.Ordinal));
        // Only regular package files at the top of the cache, so a link there never reaches the tree.
        Assert.Contains($"find {cache} -maxdepth 1 -type f -name '*.deb'", setup, StringComparison.Ordinal);
        Assert.Contains("\"$1/var/cache/apt/archives/\"", setup, StringComparison.Ordinal);
        Assert.Contains("cp -aln", customize, StringComparison.Ordinal);
        Assert.EndsWith($"{cache} {{}} +", customize, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_derived_base_downloads_with_the_hosts_apt_into_the_cache_and_installs_in_the_sandbox_without_network()
    {
        var parent = _distro.DescribeBase(Specs.Distro());
        var spec = _distro.DescribeBase(Specs.Distro(packages: ["hello", "tree"]));
        string? aptConfig = null;
        _host.Runner.On("nsenter", c =>
        {
            if (c.Arguments.Contains("update"))
            {
                aptConfig = File.ReadAllText(c.Environment["APT_CONFIG"]!);
            }

            return new CommandResult(0, "", "", TimeSpan.Zero);
        });

        await _distro.DeriveBaseAsync(parent, spec, _target, _host, CancellationToken.None);

        Golden.AssertText(Transcript(), "build-base/derive-transcript.txt");
        Golden.AssertText(aptConfig!.Replace(_target, "TARGET", StringComparison.Ordinal).Replace(_data.Path, "DATA", StringComparison.Ordinal), "build-base/derive-apt.conf");
        var install = _host.Runner.Commands[2];
        var arguments = AfterSeparator(install);
        Assert.Equal("bwrap", arguments[0]);
        Assert.Contains("--unshare-net", arguments);
        Assert.Equal(["--ro-bind", _host.Paths.PackageCacheFor("debian"), "/var/cache/apt/archives"], arguments.SkipWhile(a => a != "--ro-bind").Take(3));
        Assert.Equal(["apt-get", "-q", "-y", "--no-download", "install", "hello", "tree"], arguments.SkipWhile(a => a != "--").Skip(1));
        var initrd = arguments.ToList().IndexOf("INITRD");
        Assert.Equal(["--setenv", "INITRD", "No"], arguments.Skip(initrd - 1).Take(3));
        Assert.Empty(Directory.EnumerateFiles(_host.Paths.TempDirectory));
    }

    [Fact]
    public async Task A_failed_derivation_names_the_extra_packages_and_leaves_no_apt_configuration()
    {
        _host.Runner.Fail("nsenter", 100, "E: Unable to locate package no-such-package\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() =>
            _distro.DeriveBaseAsync(_distro.DescribeBase(Specs.Distro()), _distro.DescribeBase(Specs.Distro(packages: ["no-such-package"])), _target, _host, CancellationToken.None));

        Assert.Contains("no-such-package", error.Hint, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_host.Paths.TempDirectory));
    }

    private string Transcript() =>
        _host.Runner.Transcript.Replace(_target, "TARGET", StringComparison.Ordinal).Replace(_data.Path, "DATA", StringComparison.Ordinal);

    private static List<string> AfterSeparator(CommandSpec command)
    {
        var arguments = command.Arguments.ToList();
        return arguments[(arguments.IndexOf("--") + 1)..];
    }
}
