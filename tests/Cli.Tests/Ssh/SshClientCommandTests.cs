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
        var options = Options(argv);

        // Strictly: an unknown or changed key refuses the connection, and no key is learnt or rewritten.
        Assert.Equal("yes", options["StrictHostKeyChecking"]);
        Assert.Equal("no", options["UpdateHostKeys"]);

        // Against our known hosts only: the machine's file, with the user's global one out of the way.
        Assert.Equal("/project/.diskless/machines/dev/known_hosts", options["UserKnownHostsFile"]);
        Assert.Equal("/dev/null", options["GlobalKnownHostsFile"]);

        // With the machine's key and nothing else: no agent's keys, no password prompt.
        Assert.Equal(Target.PrivateKeyPath, After(argv, "-i"));
        Assert.Equal("yes", options["IdentitiesOnly"]);
        Assert.Equal("none", options["IdentityAgent"]);
        Assert.Equal("no", options["PasswordAuthentication"]);

        // To the machine's forwarded port, and interactive: the destination is the last word, no command after it.
        Assert.Equal("2222", After(argv, "-p"));
        Assert.Equal(["--", "dev@127.0.0.1"], argv.TakeLast(2));
    }

    [Fact]
    public void Extra_arguments_stay_options_and_the_remote_command_follows_the_destination()
    {
        var argv = SshClientCommand.Build(Target, "/kh", ["-L", "8080:localhost:80"], "uname -a");

        Golden.AssertText(string.Join('\n', argv) + "\n", "ssh-argv-command.txt");
        Assert.True(argv.ToList().IndexOf("-L") < argv.ToList().IndexOf("--"));
        Assert.Equal("8080:localhost:80", After(argv, "-L"));
        Assert.Equal(["--", "dev@127.0.0.1", "uname -a"], argv.TakeLast(3));
    }

    private static string After(IReadOnlyList<string> argv, string option) => argv[argv.ToList().IndexOf(option) + 1];

    /// <summary>
    /// The -o options before "--", by name. ssh keeps the first value it reads for an option, so each name must appear
    /// once: a second one would be silently ignored and prove nothing.
    /// </summary>
    private static Dictionary<string, string> Options(IReadOnlyList<string> argv)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var end = argv.ToList().IndexOf("--");
        for (var i = 0; i < end; i++)
        {
            if (argv[i] == "-o")
            {
                var pair = argv[i + 1].Split('=', 2);
                Assert.True(options.TryAdd(pair[0], pair[1]), $"ssh option {pair[0]} is given twice");
            }
        }

        return options;
    }
}
