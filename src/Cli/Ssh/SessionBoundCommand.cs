namespace Diskless.Cli.Ssh;

/// <summary>
/// Wraps a command run over SSH so that it ends when its SSH channel does. Without a pty, closing the channel leaves
/// the command running in the guest, and sshd delivers a "signal" request only to sessions of users other than root
/// (it needs privilege separation), so a Ctrl-C of <c>diskless ssh -c</c> or of a provisioner could leave work behind.
/// A watcher in the session's process group waits for the channel's stdin to close — which happens when the channel
/// closes or the connection drops, never while the command runs, since nothing is ever written to it — then sends
/// SIGINT to the group, as a terminal's Ctrl-C would, and SIGKILL a grace period later. The command reads /dev/null,
/// not the channel; a command that ends normally stops the watcher first, so what it started in the background on
/// purpose keeps running. Runs in the login user's POSIX shell; the command keeps its syntax (a subshell holds it,
/// so its own <c>exit</c> still ends the command with its status).
/// </summary>
public static class SessionBoundCommand
{
    /// <summary>Seconds between the watcher's SIGINT and its SIGKILL.</summary>
    public const int GraceSeconds = 3;

    /// <summary>The text sshd hands the login shell in place of <paramref name="command"/>.</summary>
    public static string Wrap(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        // Asynchronous lists ignore SIGINT in a shell without job control, so the watcher survives its own kill -INT 0;
        // it ignores the TERM and HUP that sshd may send the group too, so the KILL still follows a command that traps them.
        // An asynchronous list's stdin is /dev/null unless redirected, and that comes before its own redirections: the
        // channel's stdin is kept on fd 3 first, and closed for the command.
        return "exec 3<&0\n"
            + $"{{ trap '' TERM HUP; cat >/dev/null; kill -INT 0; sleep {GraceSeconds}; kill -KILL 0; }} <&3 >/dev/null 2>&1 &\n"
            + "diskless_watcher=$!\n"
            + "(\n"
            + command + "\n"
            + ") </dev/null 3<&-\n"
            + "diskless_status=$?\n"
            // bash would report the killed watcher on stderr ("Killed"): nothing the command wrote comes after this.
            + "exec 2>/dev/null\n"
            + "kill -KILL $diskless_watcher\n"
            + "exit $diskless_status\n";
    }
}
