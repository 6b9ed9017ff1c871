using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Ssh;

public class HostKeyPinTests
{
    [Fact]
    public void The_pinned_key_is_accepted()
    {
        var pin = new HostKeyPin([TestKeys.HostA], "127.0.0.1:2222");

        Assert.True(pin.Accepts(TestKeys.Blob(TestKeys.HostA)));
        Assert.Null(pin.RefusedFingerprint);
    }

    [Fact]
    public void Any_of_several_pinned_keys_is_accepted()
    {
        var pin = new HostKeyPin([TestKeys.HostA, TestKeys.HostB], "127.0.0.1:2222");

        Assert.True(pin.Accepts(TestKeys.Blob(TestKeys.HostB)));
    }

    [Fact]
    public void Another_key_is_refused_and_named_in_the_mismatch_error()
    {
        var pin = new HostKeyPin([TestKeys.HostA], "127.0.0.1:2222");

        var accepted = pin.Accepts(TestKeys.Blob(TestKeys.HostB));
        var error = pin.MismatchError();

        Assert.False(accepted);
        Assert.Equal(
            $"host key mismatch for 127.0.0.1:2222: the guest presented {TestKeys.HostBFingerprint} but diskless generated {TestKeys.HostAFingerprint}",
            error.Message);
        Assert.Equal(ExitCodes.BootFailed, error.ExitCode);
        Assert.Contains("diskless reload", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_differs_in_one_byte_is_refused()
    {
        var pin = new HostKeyPin([TestKeys.HostA], "127.0.0.1:2222");
        var tampered = TestKeys.Blob(TestKeys.HostA);
        tampered[^1] ^= 1;

        Assert.False(pin.Accepts(tampered));
    }

    [Fact]
    public void A_truncated_key_is_refused()
    {
        var pin = new HostKeyPin([TestKeys.HostA], "127.0.0.1:2222");

        Assert.False(pin.Accepts(TestKeys.Blob(TestKeys.HostA)[..^1]));
    }

    [Fact]
    public void Nothing_pinned_is_a_programming_error_not_trust_on_first_use()
    {
        Assert.Throws<ArgumentException>(() => new HostKeyPin([], "127.0.0.1:2222"));
    }

    [Fact]
    public void Only_the_pinned_key_types_are_offered()
    {
        var pin = new HostKeyPin([TestKeys.HostA, TestKeys.HostB], "127.0.0.1:2222");

        Assert.Equal(["ssh-ed25519"], pin.Algorithms);
    }

    [Fact]
    public void Fingerprints_match_what_ssh_keygen_prints()
    {
        Assert.Equal(TestKeys.HostAFingerprint, PublicKeyLine.Parse(TestKeys.HostA, "test").Fingerprint);
    }

    [Fact]
    public void A_line_that_is_not_a_public_key_is_an_error_naming_its_origin()
    {
        var error = Assert.Throws<DisklessException>(() => PublicKeyLine.Parse("ssh-ed25519 not!base64", "/state/ssh_host_ed25519_key.pub"));

        Assert.Contains("/state/ssh_host_ed25519_key.pub", error.Message, StringComparison.Ordinal);
    }
}
