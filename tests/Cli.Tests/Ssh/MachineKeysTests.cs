using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.Ssh;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

public sealed class MachineKeysTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("diskless-keys-").FullName;

    private string StateDir => Path.Combine(_root, "machines", "web");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Missing_keys_are_generated_with_ssh_keygen_named_after_the_machine()
    {
        var runner = FakeKeygen();

        await MachineKeys.EnsureAsync(StateDir, runner, CancellationToken.None);

        Assert.Equal(
            $"ssh-keygen -t ed25519 -N '' -C diskless-web -f {StateDir}/id_ed25519 -q\n"
            + $"ssh-keygen -t ed25519 -N '' -C diskless-web-host -f {StateDir}/ssh_host_ed25519_key -q\n",
            runner.Transcript);
    }

    [Fact]
    public async Task Existing_keys_are_reused()
    {
        var first = await MachineKeys.EnsureAsync(StateDir, FakeKeygen(), CancellationToken.None);
        var runner = FakeKeygen();

        var second = await MachineKeys.EnsureAsync(StateDir, runner, CancellationToken.None);

        Assert.Empty(runner.Commands);
        Assert.Equal(first.ClientPublicKey, second.ClientPublicKey);
        Assert.Equal(first.HostPublicKeys, second.HostPublicKeys);
    }

    [Fact]
    public async Task The_keys_become_a_guest_identity_and_a_pinned_target()
    {
        var keys = await MachineKeys.EnsureAsync(StateDir, FakeKeygen(), CancellationToken.None);

        var identity = keys.ToGuestIdentity("dev");
        var target = keys.ToTarget(new SshEndpoint("127.0.0.1", 2222), "dev");

        Assert.Equal("dev", identity.UserName);
        Assert.StartsWith("ssh-ed25519 ", identity.AuthorizedPublicKey, StringComparison.Ordinal);
        var hostKey = Assert.Single(identity.HostKeys);
        Assert.Equal(new HostKeyFiles("ed25519", Path.Combine(StateDir, "ssh_host_ed25519_key"), Path.Combine(StateDir, "ssh_host_ed25519_key.pub")), hostKey);
        Assert.Equal(keys.HostPublicKeys, target.PinnedHostKeys);
        Assert.Equal(Path.Combine(StateDir, "id_ed25519"), target.PrivateKeyPath);
    }

    [Fact]
    public async Task Private_keys_are_readable_only_by_their_owner()
    {
        var keys = await MachineKeys.EnsureAsync(StateDir, FakeKeygen(), CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys.ClientPrivateKeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys.HostKeys[0].PrivateKeyPath));
    }

    [Fact]
    public async Task A_lost_public_key_is_derived_again_from_the_private_key()
    {
        var first = await MachineKeys.EnsureAsync(StateDir, FakeKeygen(), CancellationToken.None);
        File.Delete(first.HostKeys[0].PublicKeyPath);
        var runner = FakeKeygen();

        var second = await MachineKeys.EnsureAsync(StateDir, runner, CancellationToken.None);

        Assert.Equal($"ssh-keygen -y -f {StateDir}/ssh_host_ed25519_key\n", runner.Transcript);
        Assert.Equal(first.HostPublicKeys[0].Split(' ')[1], second.HostPublicKeys[0].Split(' ')[1]);
    }

    [Fact]
    public async Task Loading_keys_of_a_machine_never_brought_up_says_to_bring_it_up_and_creates_nothing()
    {
        var error = await Assert.ThrowsAsync<DisklessException>(() => MachineKeys.LoadAsync(StateDir, CancellationToken.None));

        Assert.Equal(ExitCodes.WrongMachineState, error.ExitCode);
        Assert.Contains("diskless up", error.Hint, StringComparison.Ordinal);
        Assert.False(Directory.Exists(StateDir));
    }

    [Fact]
    public async Task Loading_returns_the_keys_ensure_made()
    {
        var made = await MachineKeys.EnsureAsync(StateDir, FakeKeygen(), CancellationToken.None);

        var loaded = await MachineKeys.LoadAsync(StateDir, CancellationToken.None);

        Assert.Equal(made.ClientPublicKey, loaded.ClientPublicKey);
        Assert.Equal(made.HostPublicKeys, loaded.HostPublicKeys);
        Assert.Equal(made.HostKeys, loaded.HostKeys);
    }

    [RequiresFact("ssh-keygen")]
    public async Task Real_ssh_keygen_produces_keys_that_match_their_public_halves()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var runner = new CliWrapCommandRunner(new RecordingProgress());

        var keys = await MachineKeys.EnsureAsync(StateDir, runner, timeout.Token);
        File.Delete(keys.ClientPrivateKeyPath + ".pub");
        var again = await MachineKeys.EnsureAsync(StateDir, runner, timeout.Token);

        Assert.EndsWith(" diskless-web", keys.ClientPublicKey, StringComparison.Ordinal);
        Assert.EndsWith(" diskless-web-host", keys.HostPublicKeys[0], StringComparison.Ordinal);
        Assert.Equal(keys.ClientPublicKey, again.ClientPublicKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys.HostKeys[0].PrivateKeyPath));
    }

    /// <summary>A runner whose ssh-keygen writes plausible key files, so the file handling runs without the tool.</summary>
    private static RecordingCommandRunner FakeKeygen()
    {
        var runner = new RecordingCommandRunner();
        runner.On("ssh-keygen", spec =>
        {
            var file = spec.Arguments[spec.Arguments.ToList().IndexOf("-f") + 1];
            if (spec.Arguments.Contains("-y"))
            {
                return new CommandResult(0, FakePublic(file) + "\n", "", TimeSpan.Zero);
            }

            var comment = spec.Arguments[spec.Arguments.ToList().IndexOf("-C") + 1];
            File.WriteAllText(file, "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            File.WriteAllText(file + ".pub", FakePublic(file) + " " + comment + "\n");
            return new CommandResult(0, "", "", TimeSpan.Zero);
        });
        return runner;
    }

    private static string FakePublic(string privatePath) =>
        "ssh-ed25519 " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("key of " + Path.GetFileName(privatePath)));
}
