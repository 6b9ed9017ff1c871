using Diskless.Abstractions;
using Diskless.Cli.Ssh;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

public class SshClientCommandTests
{
    private static readonly SshTarget Target = new(
        new SshEndpoint("127.0.0.1", 2222), "dev", "/project/.diskless/machines/dev/id_ed25519", [TestKeys.HostA]);

    [Fact]
    public void An_interactive_login_checks_the_host_key_strictly_against_our_known_hosts()
    {
        var argv = SshClientCommand.Build(Target, "/project/.diskless/machines/dev/known_hosts", []);

        Golden.AssertText(string.Join('\n', argv) + "\n", "ssh-argv-login.txt");
    }

    [Fact]
    public void Extra_arguments_stay_options_and_the_remote_command_follows_the_destination()
    {
        var argv = SshClientCommand.Build(Target, "/kh", ["-L", "8080:localhost:80"], "uname -a");

        Golden.AssertText(string.Join('\n', argv) + "\n", "ssh-argv-command.txt");
        Assert.True(argv.ToList().IndexOf("-L") < argv.ToList().IndexOf("--"));
        Assert.Equal(["--", "dev@127.0.0.1", "uname -a"], argv.TakeLast(3));
    }
}
