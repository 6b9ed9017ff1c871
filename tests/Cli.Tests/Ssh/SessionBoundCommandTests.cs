using Diskless.Cli.Ssh;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Ssh;

/// <summary>The wrapper run by a real POSIX shell whose stdin stands for the SSH channel: a pipe this test holds open.</summary>
public sealed class SessionBoundCommandTests
{
    [RequiresFact("sh", "cat", "sleep", "setsid", "env")]
    public async Task The_command_keeps_its_output_and_exit_status_and_its_own_exit()
    {
        var (exit, stdout) = await RunAsync("echo one; (echo two) ; exit 7; echo never", closeInputAfter: null);

        Assert.Equal((7, "one\ntwo\n"), (exit, stdout));
    }

    [RequiresFact("sh", "cat", "sleep", "setsid", "env")]
    public async Task Closing_the_channels_input_interrupts_a_running_command()
    {
        var started = DateTime.UtcNow;

        var (exit, _) = await RunAsync("sleep 600", closeInputAfter: TimeSpan.FromMilliseconds(300));

        // SIGINT: the shell reports 128 + 2; long before the ten minutes of sleep (a margin of ten on the grace period).
        Assert.Equal(130, exit);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10 * SessionBoundCommand.GraceSeconds), "the command was not interrupted");
    }

    [RequiresFact("sh", "cat", "sleep", "setsid", "env")]
    public async Task A_command_that_ignores_sigint_is_killed_after_the_grace_period()
    {
        var (exit, _) = await RunAsync("trap '' INT TERM; sleep 600", closeInputAfter: TimeSpan.FromMilliseconds(300));

        Assert.Equal(137, exit);
    }

    /// <summary>
    /// Runs the wrapped command under sh in a process group of its own (setsid, as sshd makes a session), its stdin a pipe
    /// closed after <paramref name="closeInputAfter"/> (or when it ends); returns its exit status and output.
    /// </summary>
    private static async Task<(int Exit, string Stdout)> RunAsync(string command, TimeSpan? closeInputAfter)
    {
        // SIGINT back to its default, as sshd gives a session: a test run in the background inherits it ignored.
        var start = new System.Diagnostics.ProcessStartInfo("env", ["--default-signal=INT", "setsid", "-w", "sh", "-c", SessionBoundCommand.Wrap(command)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            if (closeInputAfter is { } delay)
            {
                await Task.Delay(delay);
                process.StandardInput.Close();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
