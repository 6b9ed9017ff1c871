using Diskless.Abstractions;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests;

public sealed class ValidationTests
{
    private static readonly SourceLocation SettingAt = new("/project/Disklessfile", 9, 1);
    private readonly DebianDistro _distro = new();

    [Fact]
    public async Task Validate_accepts_the_defaults()
    {
        Assert.Empty(await _distro.ValidateAsync(Specs.Distro(), CancellationToken.None));
    }

    [Fact]
    public async Task Validate_accepts_everything_a_careful_user_writes()
    {
        var settings = new Dictionary<string, SpecValue>
        {
            ["components"] = new(new List<object> { "main", "contrib" }, SettingAt),
            ["variant"] = new("minbase", SettingAt),
        };
        var spec = Specs.Distro(
            release: "trixie",
            mirror: "https://deb.debian.org/debian",
            packages: ["git", "g++", "libstdc++6", "python3.11"],
            user: "dev_user",
            locale: "en_US.UTF-8",
            timezone: "America/Port-au-Prince",
            settings: settings);

        Assert.Empty(await _distro.ValidateAsync(spec, CancellationToken.None));
    }

    [Fact]
    public async Task Validate_accepts_a_release_newer_than_the_plugin()
    {
        Assert.Empty(await _distro.ValidateAsync(Specs.Distro(release: "duke"), CancellationToken.None));
    }

    [Fact]
    public async Task Validate_suggests_the_release_a_typo_was_meant_to_be()
    {
        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(release: "bookwrom"), CancellationToken.None));

        Assert.Contains("bookwrom", issue.Message, StringComparison.Ordinal);
        Assert.Equal("did you mean 'bookworm'?", issue.Hint);
        Assert.Equal(Specs.DistroTable, issue.Location);
    }

    [Fact]
    public async Task Validate_rejects_a_release_that_is_not_a_name()
    {
        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(release: "Bookworm 12!"), CancellationToken.None));

        Assert.Contains("not a Debian release name", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deb.debian.org/debian")]
    [InlineData("ftp://deb.debian.org/debian")]
    [InlineData("not a url")]
    [InlineData("http://deb.debian.org/debian\n")]
    [InlineData("http://deb.debian.org/debian bookworm-backports main")]
    public async Task Validate_rejects_a_mirror_that_is_not_an_http_url(string mirror)
    {
        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(mirror: mirror), CancellationToken.None));

        Assert.Contains("mirror", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_names_every_invalid_package()
    {
        var issues = await _distro.ValidateAsync(Specs.Distro(packages: ["git", "Git", "a", "vim;rm -rf /"]), CancellationToken.None);

        Assert.Equal(3, issues.Count);
        Assert.Contains(issues, i => i.Message.Contains("'Git'", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("'a'", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("'vim;rm -rf /'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Dev")]
    [InlineData("1user")]
    [InlineData("a b")]
    [InlineData("dev\n")]
    public async Task Validate_rejects_a_user_name_useradd_would_refuse(string user)
    {
        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(user: user), CancellationToken.None));

        Assert.Contains("user", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en_US")]
    [InlineData("english")]
    [InlineData("C\n")]
    [InlineData("en_US.UTF-8\n")]
    public async Task Validate_rejects_a_locale_that_is_not_utf8(string locale)
    {
        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(locale: locale), CancellationToken.None));

        Assert.Contains("locale", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("Europe/../UTC")]
    [InlineData("")]
    [InlineData("UTC\n")]
    public async Task Validate_rejects_a_timezone_that_could_point_anywhere(string timezone)
    {
        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(timezone: timezone), CancellationToken.None));

        Assert.Contains("time zone", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_rejects_names_with_a_trailing_newline()
    {
        var settings = new Dictionary<string, SpecValue> { ["components"] = new(new List<object> { "main\n" }, SettingAt) };

        var issues = await _distro.ValidateAsync(Specs.Distro(release: "duke\n", packages: ["git\n"], settings: settings), CancellationToken.None);

        Assert.Equal(3, issues.Count);
        Assert.Contains(issues, i => i.Message.Contains("release", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("package", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("components", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_reports_an_unknown_key_where_it_is_written_with_the_key_it_resembles()
    {
        var settings = new Dictionary<string, SpecValue> { ["componets"] = new(new List<object> { "main" }, SettingAt) };

        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(settings: settings), CancellationToken.None));

        Assert.Equal("unknown key 'componets' in [distro] for debian", issue.Message);
        Assert.Equal(SettingAt, issue.Location);
        Assert.Equal("did you mean 'components'?", issue.Hint);
    }

    [Fact]
    public async Task Validate_suggests_a_host_key_for_its_typo()
    {
        var settings = new Dictionary<string, SpecValue> { ["pakages"] = new(new List<object> { "git" }, SettingAt) };

        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(settings: settings), CancellationToken.None));

        Assert.Equal("did you mean 'packages'?", issue.Hint);
    }

    [Fact]
    public async Task Validate_lists_the_known_keys_when_nothing_is_close()
    {
        var settings = new Dictionary<string, SpecValue> { ["kernel_flavour"] = new("cloud", SettingAt) };

        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(settings: settings), CancellationToken.None));

        Assert.Contains("components, variant", issue.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_rejects_components_that_are_not_a_list_of_names()
    {
        var settings = new Dictionary<string, SpecValue> { ["components"] = new("main contrib", SettingAt) };

        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(settings: settings), CancellationToken.None));

        Assert.Equal(SettingAt, issue.Location);
        Assert.Contains("components", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_rejects_an_unknown_variant_and_suggests_the_close_one()
    {
        var settings = new Dictionary<string, SpecValue> { ["variant"] = new("minibase", SettingAt) };

        var issue = Assert.Single(await _distro.ValidateAsync(Specs.Distro(settings: settings), CancellationToken.None));

        Assert.Equal(SettingAt, issue.Location);
        Assert.Equal("did you mean 'minbase'?", issue.Hint);
    }
}
