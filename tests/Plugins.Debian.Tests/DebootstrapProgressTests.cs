using Diskless.Plugins.Debian.Base;

namespace Diskless.Plugins.Debian.Tests;

public sealed class DebootstrapProgressTests
{
    [Theory]
    [InlineData("I: Retrieving adduser 3.134", "downloading adduser")]
    [InlineData("I: Extracting base-files...", "extracting base-files")]
    [InlineData("I: Installing core packages...", "installing packages")]
    [InlineData("I: Unpacking libc6:amd64...", "installing libc6")]
    [InlineData("I: Configuring required packages...", "configuring packages")]
    [InlineData("I: Configuring openssh-server...", "configuring openssh-server")]
    [InlineData("I: Base system installed successfully.", "base system installed")]
    public void A_debootstrap_step_line_becomes_a_short_detail(string line, string detail)
    {
        Assert.Equal(detail, DebootstrapProgress.Describe(line));
    }

    [Theory]
    [InlineData("I: Validating adduser 3.134")]
    [InlineData("I: Checking Release signature")]
    [InlineData("W: Failure trying to run: chroot /target dpkg --force-depends --install")]
    [InlineData("dpkg: warning: ignoring request")]
    [InlineData("")]
    public void Other_lines_leave_the_detail_alone(string line)
    {
        Assert.Null(DebootstrapProgress.Describe(line));
    }
}
