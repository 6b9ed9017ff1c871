using Diskless.Plugins.Debian.Base;

namespace Diskless.Plugins.Debian.Tests;

/// <summary>The lines are copied from a real `mmdebstrap --verbose` run of the default base (bookworm, 1.3.5).</summary>
public sealed class MmdebstrapProgressTests
{
    [Theory]
    [InlineData("I: running apt-get update...", "reading package lists")]
    [InlineData("Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]", "downloading package lists")]
    [InlineData("Get:2 http://deb.debian.org/debian bookworm/main amd64 Packages [8790 kB]", "downloading package lists")]
    [InlineData("I: downloading packages with apt...", "downloading packages")]
    [InlineData("Get:2 http://deb.debian.org/debian bookworm/main amd64 libc6 amd64 2.36-9+deb12u14 [2759 kB]", "downloading libc6")]
    [InlineData("I: extracting archives...", "extracting packages")]
    [InlineData("I: installing essential packages...", "installing essential packages")]
    [InlineData("Unpacking gcc-12-base:amd64 (12.2.0-14+deb12u1) ...", "installing gcc-12-base")]
    [InlineData("Setting up libc6:amd64 (2.36-9+deb12u14) ...", "configuring libc6")]
    [InlineData("I: installing remaining packages inside the chroot...", "installing packages")]
    [InlineData("Unpacking openssh-server (1:9.2p1-2+deb12u7) ...", "installing openssh-server")]
    [InlineData("I: cleaning package lists and apt cache...", "cleaning up")]
    [InlineData("I: success in 312.4567 seconds", "base system installed")]
    public void An_mmdebstrap_step_line_becomes_a_short_detail(string line, string detail)
    {
        Assert.Equal(detail, MmdebstrapProgress.Describe(line));
    }

    [Theory]
    [InlineData("I: chroot architecture amd64 is equal to the host's architecture")]
    [InlineData("I: automatically chosen format: directory")]
    [InlineData("Selecting previously unselected package gcc-12-base:amd64.")]
    [InlineData("Preparing to unpack .../gcc-12-base_12.2.0-14+deb12u1_amd64.deb ...")]
    [InlineData("/usr/bin/dpkg --status-fd 8 --no-triggers --configure libgcc-s1:amd64 libc6:amd64 ")]
    [InlineData("dpkg: warning: ignoring pre-dependency problem!")]
    [InlineData("Fetched 8941 kB in 2s (4531 kB/s)")]
    [InlineData("Setting up the network")]
    [InlineData("")]
    public void Other_lines_leave_the_detail_alone(string line)
    {
        Assert.Null(MmdebstrapProgress.Describe(line));
    }

    [Theory]
    [InlineData("E: cannot find newuidmap", "apt-get install uidmap")]
    [InlineData("E: failed to unshare the user namespace", "chmod u+s /usr/bin/newuidmap")]
    [InlineData("E: failed to parse /etc/subuid and /etc/subgid", "usermod --add-subuids")]
    [InlineData("W: no entry in /etc/subuid for dlnosub", "usermod --add-subuids")]
    [InlineData("E: unshare syscall failed: No space left on device", "user.max_user_namespaces")]
    [InlineData("E: unshare syscall failed: Operation not permitted", "kernel.unprivileged_userns_clone")]
    public void Known_causes_get_the_command_that_fixes_them(string line, string fix)
    {
        Assert.Contains(fix, MmdebstrapProgress.Hint(["I: running apt-get update...", line, "I: removing tempdir..."]), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_failures_get_no_specific_hint()
    {
        Assert.Null(MmdebstrapProgress.Hint(["E: apt-get update failed", "newuidmap mentioned outside an error line"]));
    }
}
