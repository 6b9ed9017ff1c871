using Diskless.Abstractions;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

public sealed class BuildBaseTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TestHost _host;
    private readonly string _target;
    private readonly DebianDistro _distro = new();

    public BuildBaseTests()
    {
        _host = new TestHost(_data.Path);
        _target = Path.Combine(_host.Paths.TempDirectory, "base-123");
        Directory.CreateDirectory(_target);
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task BuildBase_runs_debootstrap_into_the_target_then_apt_get_clean_inside_it()
    {
        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro(packages: ["git"])), _target, _host, CancellationToken.None);

        Golden.AssertText(Transcript(), "build-base/transcript.txt");
        Assert.All(_host.Runner.Commands, c => Assert.True(c.RequiresRoot, $"{c} should ask for root"));

        // debootstrap first, into the target; then apt-get clean, last, through the chroot of that same target.
        var commands = _host.Runner.Commands;
        Assert.Equal("debootstrap", commands[0].FileName);
        Assert.Single(commands[0].Arguments, a => a == _target);
        Assert.Equal("No", commands[0].Environment["INITRD"]);
        Assert.Equal("/usr/bin/apt-get", commands[^1].FileName);
        Assert.Equal(["clean"], commands[^1].Arguments);
        var lines = _host.Runner.Transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"[chroot {_target}]", lines[^2]);
    }

    [Fact]
    public async Task BuildBase_leaves_out_the_variant_flag_for_the_standard_variant()
    {
        var settings = new Dictionary<string, SpecValue> { ["variant"] = new("standard", Specs.DistroTable) };

        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro(settings: settings)), _target, _host, CancellationToken.None);

        var debootstrap = _host.Runner.Commands[0];
        Assert.Equal("debootstrap", debootstrap.FileName);
        Assert.DoesNotContain(debootstrap.Arguments, a => a.StartsWith("--variant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BuildBase_reports_debootstrap_phases_as_stage_details()
    {
        _host.Runner.Print(
            "debootstrap",
            string.Join('\n',
                "I: Target architecture can be executed",
                "I: Retrieving InRelease",
                "I: Retrieving adduser 3.134",
                "I: Validating adduser 3.134",
                "I: Retrieving apt 2.6.1",
                "I: Extracting adduser...",
                "I: Installing core packages...",
                "I: Unpacking libc6:amd64...",
                "I: Configuring libc6:amd64...",
                "I: Configuring libc6:amd64...",
                "I: Base system installed successfully."));

        await _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None);

        Assert.Equal(
            [
                "stage: Building the Debian bookworm base with debootstrap",
                "update: Building the Debian bookworm base with debootstrap: downloading InRelease",
                "update: Building the Debian bookworm base with debootstrap: downloading adduser",
                "update: Building the Debian bookworm base with debootstrap: downloading apt",
                "update: Building the Debian bookworm base with debootstrap: extracting adduser",
                "update: Building the Debian bookworm base with debootstrap: installing packages",
                "update: Building the Debian bookworm base with debootstrap: installing libc6",
                "update: Building the Debian bookworm base with debootstrap: configuring libc6",
                "update: Building the Debian bookworm base with debootstrap: base system installed",
                "done: Building the Debian bookworm base with debootstrap",
                "stage: Cleaning the package cache of the base",
                "done: Cleaning the package cache of the base",
            ],
            _host.RecordedProgress.Lines);
    }

    [Fact]
    public async Task A_failing_debootstrap_names_the_step_keeps_the_last_lines_and_stops_there()
    {
        var output = string.Join('\n', Enumerable.Range(1, 40).Select(i => $"I: Retrieving package{i} 1.0"))
            + "\nE: Couldn't download packages: openssh-server\n";
        _host.Runner.On("debootstrap", command =>
        {
            // debootstrap keeps its own log in the target, which the host will delete.
            FakeBaseTree.Write(command.Arguments[^2], "debootstrap/debootstrap.log", "dpkg: error processing package openssh-server (--configure)\n");
            return new CommandResult(1, output, "", TimeSpan.FromSeconds(3));
        });

        var error = await Assert.ThrowsAsync<CommandFailedException>(() =>
            _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None));

        Assert.Equal("downloading and installing Debian bookworm (debootstrap) failed with exit code 1", error.Message);
        Assert.Equal(ExitCodes.ExternalToolFailed, error.ExitCode);
        Assert.Equal("E: Couldn't download packages: openssh-server", error.OutputTail[^3]);
        Assert.Equal("dpkg: error processing package openssh-server (--configure)", error.OutputTail[^1]);
        Assert.Contains("http://deb.debian.org/debian", error.Hint, StringComparison.Ordinal);
        Assert.Single(_host.Runner.Commands);
        Assert.Contains("failed: Building the Debian bookworm base with debootstrap", _host.RecordedProgress.Lines);
    }

    [Fact]
    public async Task A_failed_build_writes_nothing_outside_the_target()
    {
        _host.Runner.Fail("debootstrap", 1, "E: Release signed by unknown key\n");

        await Assert.ThrowsAsync<CommandFailedException>(() =>
            _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None));

        var everything = Directory.EnumerateFileSystemEntries(_data.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        Assert.Equal([_host.Paths.TempDirectory, _target], everything);
    }

    [Fact]
    public async Task A_failing_apt_get_clean_fails_the_build()
    {
        _host.Runner.Fail("apt-get", 100, "E: Could not get lock /var/cache/apt/archives/lock\n");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() =>
            _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None));

        Assert.StartsWith("cleaning the package cache of the base", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed: Cleaning the package cache of the base", _host.RecordedProgress.Lines);
    }

    [Fact]
    public async Task Cancelling_the_build_stops_before_the_next_command()
    {
        _host.Runner.Throw("debootstrap", new OperationCanceledException());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _distro.BuildBaseAsync(_distro.DescribeBase(Specs.Distro()), _target, _host, CancellationToken.None));

        Assert.Single(_host.Runner.Commands);
        Assert.Contains("failed: Building the Debian bookworm base with debootstrap", _host.RecordedProgress.Lines);
    }

    private string Transcript() => _host.Runner.Transcript.Replace(_target, "TARGET", StringComparison.Ordinal);
}
