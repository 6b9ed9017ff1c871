using Diskless.Abstractions;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

public sealed class DescribeBaseTests
{
    private readonly DebianDistro _distro = new();

    [Fact]
    public void DescribeBase_applies_bookworm_the_debian_mirror_amd64_main_and_minbase_by_default()
    {
        var spec = _distro.DescribeBase(Specs.Distro());

        Assert.Equal("debian", spec.Distro);
        Assert.Equal("bookworm", spec.Release);
        Assert.Equal("http://deb.debian.org/debian", spec.Mirror);
        Assert.Equal("amd64", spec.Architecture);
        Assert.Equal(["components", "variant"], spec.Options.Keys);
        Assert.Equal("main", spec.Options["components"]);
        Assert.Equal("minbase", spec.Options["variant"]);
    }

    [Fact]
    public void DescribeBase_includes_the_packages_a_bootable_dev_vm_needs()
    {
        var spec = _distro.DescribeBase(Specs.Distro());

        Assert.Equal(
            ["ca-certificates", "dbus", "initramfs-tools", "iproute2", "kmod", "linux-image-amd64", "netbase", "openssh-server", "procps", "sudo", "systemd-sysv", "udev", "zstd"],
            spec.Packages);
    }

    [Fact]
    public void DescribeBase_merges_user_packages_sorted_and_without_duplicates()
    {
        var spec = _distro.DescribeBase(Specs.Distro(packages: ["git", "sudo", "build-essential", "git"]));

        Assert.Equal(spec.Packages.Order(StringComparer.Ordinal), spec.Packages);
        Assert.Equal(spec.Packages.Distinct(), spec.Packages);
        Assert.Contains("git", spec.Packages);
        Assert.Contains("build-essential", spec.Packages);
        Assert.Single(spec.Packages, p => p == "sudo");
    }

    [Theory]
    [InlineData("C.UTF-8", false)]
    [InlineData("POSIX", false)]
    [InlineData("en_US.UTF-8", true)]
    public void DescribeBase_adds_locales_only_for_a_locale_glibc_does_not_build_in(string locale, bool needsLocales)
    {
        var spec = _distro.DescribeBase(Specs.Distro(locale: locale));

        Assert.Equal(needsLocales, spec.Packages.Contains("locales"));
    }

    [Fact]
    public void DescribeBase_takes_release_mirror_components_and_variant_from_the_spec()
    {
        var settings = new Dictionary<string, SpecValue>
        {
            ["components"] = new(new List<object> { "main", "non-free-firmware" }, Specs.DistroTable),
            ["variant"] = new("buildd", Specs.DistroTable),
        };

        var spec = _distro.DescribeBase(Specs.Distro(release: "trixie", mirror: "https://mirror.example/debian/", settings: settings));

        Assert.Equal("trixie", spec.Release);
        Assert.Equal("https://mirror.example/debian", spec.Mirror);
        Assert.Equal("main,non-free-firmware", spec.Options["components"]);
        Assert.Equal("buildd", spec.Options["variant"]);
    }

    [Fact]
    public void DebianDistro_says_it_is_complete()
    {
        Assert.Equal("debian", _distro.Name);
        Assert.Empty(_distro.MissingCapabilities);
    }
}
