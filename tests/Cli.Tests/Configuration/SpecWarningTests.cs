using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

/// <summary>A plugin's warning (booster, signatures off) is shown with its place but never makes a Disklessfile invalid.</summary>
public sealed class SpecWarningTests
{
    private static readonly SourceLocation At = new("Disklessfile", 4, 13);

    [Fact]
    public void Warnings_alone_do_not_fail_and_read_as_warnings()
    {
        var warning = new SpecIssue("booster mounts only block devices", At, "use mkinitcpio") { IsWarning = true };

        ConfigurationException.ThrowIfAny([warning]);

        Assert.Equal("Disklessfile:4:13: warning: booster mounts only block devices (use mkinitcpio)", warning.ToString());
    }

    [Fact]
    public void An_error_fails_and_the_warnings_beside_it_are_shown_with_it()
    {
        var warning = new SpecIssue("signatures are off", At) { IsWarning = true };
        var error = new SpecIssue("dracut is not supported", At);

        var failure = Assert.Throws<ConfigurationException>(() => ConfigurationException.ThrowIfAny([warning, error]));

        Assert.Equal("Disklessfile:4:13: warning: signatures are off\nDisklessfile:4:13: dracut is not supported", failure.Message);
        Assert.Equal(ExitCodes.InvalidConfiguration, failure.ExitCode);
    }
}
