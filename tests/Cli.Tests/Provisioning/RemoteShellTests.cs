using Diskless.Abstractions;
using Diskless.Cli.Provisioning;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Provisioning;

public class RemoteShellTests
{
    [RequiresFact("sh", "bash")]
    public async Task Exported_values_reach_the_command_unchanged_through_two_shells()
    {
        var nasty = "it's \"quoted\" $(echo injected) `echo too` \\ $HOME\nsecond line";
        var command = RemoteShell.Bash("printf '%s' \"$VALUE\"", new Dictionary<string, string> { ["VALUE"] = nasty }, privileged: false, "dev", null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // sshd hands the command line to the login shell exactly like this.
        var result = await new CliWrapCommandRunner(new RecordingProgress()).RunAsync(new CommandSpec("sh", "-c", command), timeout.Token);

        Assert.Equal(nasty, result.StandardOutput);
    }
}
