using Diskless.Abstractions;
using Diskless.Plugins.Arch.Tests.Support;

namespace Diskless.Plugins.Arch.Tests;

public sealed class ArchValidationTests
{
    private readonly ArchDistro _distro = ArchSpecs.Plugin();

    private Task<IReadOnlyList<SpecIssue>> Validate(DistroSpec spec) => _distro.ValidateAsync(spec, CancellationToken.None);

    [Fact]
    public async Task The_defaults_and_mkinitcpio_are_valid()
    {
        Assert.Empty(await Validate(ArchSpecs.Distro()));
        Assert.Empty(await Validate(ArchSpecs.Distro(packages: ["base-devel", "git", "lib32-glibc", "python-pip"], settings: ("initramfs", "mkinitcpio", 7))));
    }

    [Fact]
    public async Task Dracut_is_refused_with_its_reason_at_its_file_and_line()
    {
        var issue = Assert.Single(await Validate(ArchSpecs.Distro(settings: ("initramfs", "dracut", 9))));

        Assert.False(issue.IsWarning);
        Assert.Equal(new SourceLocation("/project/Disklessfile", 9, 1), issue.Location);
        Assert.Contains("kernel version", issue.Message, StringComparison.Ordinal);
        Assert.StartsWith("/project/Disklessfile:9:1: ", issue.ToString(), StringComparison.Ordinal);
        Assert.Contains("mkinitcpio", issue.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Booster_is_allowed_with_a_warning_that_upstream_booster_mounts_only_block_devices()
    {
        var issue = Assert.Single(await Validate(ArchSpecs.Distro(settings: ("initramfs", "booster", 8))));

        Assert.True(issue.IsWarning);
        Assert.Contains("block devices", issue.Message, StringComparison.Ordinal);
        Assert.Contains("anatol/booster#298", issue.Hint, StringComparison.Ordinal);
        Assert.StartsWith("/project/Disklessfile:8:1: warning: ", issue.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_signature_checks_off_is_a_warning_and_a_non_boolean_an_error()
    {
        var off = Assert.Single(await Validate(ArchSpecs.Distro(settings: ("check_signatures", false, 6))));
        var wrong = Assert.Single(await Validate(ArchSpecs.Distro(settings: ("check_signatures", "no", 6))));

        Assert.True(off.IsWarning);
        Assert.Contains("without checking their signatures", off.Message, StringComparison.Ordinal);
        Assert.False(wrong.IsWarning);
        Assert.Empty(await Validate(ArchSpecs.Distro(settings: ("check_signatures", true, 6))));
    }

    [Theory]
    [InlineData("mkinitcpo", "did you mean 'mkinitcpio'?")]
    [InlineData("bootster", "did you mean 'booster'?")]
    public async Task A_misspelt_generator_gets_the_closest_name(string generator, string hint)
    {
        var issue = Assert.Single(await Validate(ArchSpecs.Distro(settings: ("initramfs", generator, 5))));

        Assert.False(issue.IsWarning);
        Assert.Equal(hint, issue.Hint);
    }

    [Fact]
    public async Task A_release_a_mirror_without_repo_and_an_unknown_key_are_errors()
    {
        var issues = await Validate(ArchSpecs.Distro(release: "2024.01.01", mirror: "https://mirror.example/archlinux", settings: ("repositorys", new List<object> { "core" }, 4)));

        Assert.Equal(3, issues.Count);
        Assert.All(issues, i => Assert.False(i.IsWarning));
        Assert.Contains(issues, i => i.Message.Contains("no releases", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("names no repository", StringComparison.Ordinal) && i.Hint!.Contains("$repo", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message == "unknown key 'repositorys' in [distro] for arch" && i.Hint == "did you mean 'repositories'?");
    }
}
