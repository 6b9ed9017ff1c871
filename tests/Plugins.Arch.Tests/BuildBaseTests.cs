using Diskless.Abstractions;
using Diskless.Plugins.Arch.Base;
using Diskless.Plugins.Arch.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Arch.Tests;

public sealed class BuildBaseTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TestHost _host;
    private readonly string _target;
    private readonly ArchDistro _distro = ArchSpecs.Plugin();

    public BuildBaseTests()
    {
        _host = new TestHost(_data.Path);
        _target = Path.Combine(_host.Paths.TempDirectory, "base-123");
        Directory.CreateDirectory(_target);
    }

    public void Dispose() => _data.Dispose();

    private Task BuildAsync(DistroSpec? spec = null) =>
        _distro.BuildBaseAsync(_distro.DescribeBase(spec ?? ArchSpecs.Distro(packages: ["git"])), _target, _host, CancellationToken.None);

    [Fact]
    public async Task As_host_root_pacstrap_runs_in_a_mount_namespace_of_its_own_after_the_keyring_is_made()
    {
        await BuildAsync();

        Golden.AssertText(Transcript(), "build-base/transcript.txt");
        var commands = _host.Runner.Commands;
        Assert.Equal(["pacman-key", "pacman-key", "dd", "unshare", "rm", "find", "gpgconf"], commands.Select(c => c.FileName));
        Assert.All(commands, c => Assert.True(c.RequiresRoot, $"{c} should ask for root"));
        Assert.Equal(["--gpgdir", _target + "/etc/pacman.d/gnupg", "--init"], commands[0].Arguments);
        Assert.Equal(["--gpgdir", _target + "/etc/pacman.d/gnupg", "--populate", "archlinux"], commands[1].Arguments);

        // pacstrap's mounts (proc, sys, dev under the target) live in a private mount namespace: they end with it.
        var pacstrap = commands[3];
        Assert.Equal(["--mount", "--propagation", "private", "--", "pacstrap"], pacstrap.Arguments.Take(5));
        var options = pacstrap.Arguments.Skip(5).ToList();
        Assert.Contains("-K", options);
        Assert.Contains("-M", options);
        Assert.DoesNotContain("-N", options);
        Assert.Equal(["base", "git", "linux", "mkinitcpio", "openssh", "sudo"], options[(options.IndexOf(_target) + 1)..]);

        // Our pacman.conf is written into the target (dd from standard input), handed to pacstrap, then removed: with
        // the base's keyring and the mirror per repository.
        var confPath = _target + "/etc/pacman.d/diskless-build.conf";
        Assert.Equal(confPath, options[options.IndexOf("-C") + 1]);
        Assert.Equal(["of=" + confPath, "status=none"], commands[2].Arguments);
        Assert.Equal(["-f", "--", confPath], commands[4].Arguments);
        var conf = commands[2].StandardInput!;
        Assert.Contains($"GPGDir = {_target}/etc/pacman.d/gnupg\n", conf, StringComparison.Ordinal);
        Assert.Contains("SigLevel = Required DatabaseOptional\n", conf, StringComparison.Ordinal);
        Assert.Contains("[core]\nServer = https://geo.mirror.pkgbuild.com/$repo/os/$arch\n", conf, StringComparison.Ordinal);
        Assert.Contains("[extra]\nServer = https://geo.mirror.pkgbuild.com/$repo/os/$arch\n", conf, StringComparison.Ordinal);
        Golden.AssertText(conf.Replace(_target, "TARGET", StringComparison.Ordinal), "build-base/pacman-build.conf");
    }

    [Fact]
    public async Task In_a_namespace_every_step_is_entered_as_guest_root_and_pacstrap_runs_in_unshare_mode()
    {
        _host.Fake.Namespace = new FakeUserNamespace();

        await BuildAsync();

        Golden.AssertText(Transcript(), "build-base/namespace-transcript.txt");
        Assert.All(_host.Runner.Commands, c => Assert.Equal("nsenter", c.FileName));
        Assert.All(_host.Runner.Commands, c => Assert.False(c.RequiresRoot));
        Assert.Equal(["pacman-key", "pacman-key", "dd", "pacstrap", "rm", "find", "gpgconf"], _host.Runner.Commands.Select(FakeUserNamespace.EnteredProgram));
        var pacstrap = _host.Runner.Commands[3];
        Assert.Contains("-N", pacstrap.Arguments);
        Assert.Equal("pacstrap", pacstrap.ShownProgram);
        // pacstrap -N's own unshare would ask newuidmap for a range again; the function drops its mapping options.
        var function = pacstrap.Environment["BASH_FUNC_unshare%%"]!;
        Assert.StartsWith("() {", function, StringComparison.Ordinal);
        Assert.Contains("--map-auto|--map-root-user) ;;", function, StringComparison.Ordinal);
        Assert.Contains("export -fn unshare", function, StringComparison.Ordinal);
        Assert.True(pacstrap.Environment.TryGetValue("HOME", out var home) && home is null);
    }

    [Fact]
    public async Task Without_signature_checks_no_keys_are_imported_and_pacman_is_told_so()
    {
        await BuildAsync(ArchSpecs.Distro(mirror: "file:///srv/repo/$repo/os/$arch", settings: [("check_signatures", false, 3), ("repositories", new List<object> { "core" }, 4)]));

        Assert.Equal(["pacman-key", "dd", "unshare", "rm", "find", "gpgconf"], _host.Runner.Commands.Select(c => c.FileName));
        var conf = _host.Runner.Commands[1].StandardInput!;
        Assert.Contains("SigLevel = Never\n", conf, StringComparison.Ordinal);
        Assert.Contains("[core]\nServer = file:///srv/repo/$repo/os/$arch\n", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("[extra]", conf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_pacstrap_names_the_cause_writes_nothing_outside_the_target_and_still_stops_gpgs_agent()
    {
        _host.Runner.Fail("unshare", 1, ":: Synchronizing package databases...\nerror: target not found: gti\n==> ERROR: Failed to install packages to new root\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => BuildAsync(ArchSpecs.Distro(packages: ["gti"])));

        Assert.Equal("downloading and installing the Arch base (2026-11) (pacstrap) failed with exit code 1", error.Message);
        Assert.Contains("[distro] packages", error.Hint, StringComparison.Ordinal);
        Assert.Equal("==> ERROR: Failed to install packages to new root", error.OutputTail[^1]);
        Assert.Equal(["pacman-key", "pacman-key", "dd", "unshare", "gpgconf"], _host.Runner.Commands.Select(c => c.FileName));
        Assert.Contains("failed: Building the Arch base (2026-11) with pacstrap", _host.RecordedProgress.Lines);
        var everything = Directory.EnumerateFileSystemEntries(_data.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        Assert.Equal([_host.Paths.TempDirectory, _target], everything);
    }

    [Fact]
    public async Task Cancelling_the_build_stops_before_the_next_step_and_still_stops_gpgs_agent()
    {
        _host.Runner.Throw("pacman-key", new OperationCanceledException(), "--populate");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BuildAsync());

        Assert.Equal(["pacman-key", "pacman-key", "gpgconf"], _host.Runner.Commands.Select(c => c.FileName));
        Assert.Contains("failed: Building the Arch base (2026-11) with pacstrap", _host.RecordedProgress.Lines);
    }

    [Fact]
    public async Task Pacmans_output_becomes_stage_details()
    {
        _host.Runner.Print("unshare", string.Join('\n',
            "==> Creating install root at /x",
            ":: Synchronizing package databases...",
            ":: Retrieving packages...",
            "(1/2) installing glibc",
            "(2/2) installing linux",
            ":: Running post-transaction hooks..."));

        await BuildAsync();

        const string Stage = "Building the Arch base (2026-11) with pacstrap";
        Assert.Equal(
            [
                "stage: " + Stage,
                $"update: {Stage}: initialising the keyring",
                $"update: {Stage}: importing Arch's signing keys",
                $"update: {Stage}: reading package lists",
                $"update: {Stage}: downloading packages",
                $"update: {Stage}: installing glibc",
                $"update: {Stage}: installing linux",
                $"update: {Stage}: running the packages' hooks",
                $"update: {Stage}: cleaning the package cache",
                "done: " + Stage,
            ],
            _host.RecordedProgress.Lines);
    }

    [Fact]
    public void The_base_is_dated_by_month_so_a_new_month_builds_a_new_base()
    {
        var november = BasePlanner.Describe(ArchSpecs.Distro(), "arch", new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero));
        var december = BasePlanner.Describe(ArchSpecs.Distro(), "arch", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal("2026-11", november.Release);
        Assert.Equal("2026-12", december.Release);
        Assert.Equal(november with { Release = "2026-12" }, december with { Packages = november.Packages, Options = november.Options });
        Assert.Equal("booster", BasePlanner.Describe(ArchSpecs.Distro(settings: ("initramfs", "booster", 3)), "arch", ArchSpecs.Now).Options["initramfs"]);
        Assert.Contains("booster", BasePlanner.Describe(ArchSpecs.Distro(settings: ("initramfs", "booster", 3)), "arch", ArchSpecs.Now).Packages);
    }

    private string Transcript() => _host.Runner.Transcript.Replace(_target, "TARGET", StringComparison.Ordinal);
}
