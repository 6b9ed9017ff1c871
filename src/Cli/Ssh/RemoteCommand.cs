namespace Diskless.Cli.Ssh;

/// <summary><c>diskless ssh -c COMMAND</c>: one command over a pinned SSH.NET connection, output passed through.</summary>
public static class RemoteCommand
{
    /// <summary>
    /// Connects to <paramref name="target"/>, runs <paramref name="command"/>, copies its output lines to
    /// <paramref name="stdout"/> and <paramref name="stderr"/> as they arrive, and returns its exit code
    /// (128 + signal number when a signal killed it).
    /// </summary>
    public static async Task<int> RunAsync(SshTarget target, string command, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        using var session = await SshConnector.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        var gate = new Lock();
        return await session.ExecAsync(
            command,
            line => { lock (gate) { stdout.WriteLine(line); } },
            line => { lock (gate) { stderr.WriteLine(line); } },
            cancellationToken).ConfigureAwait(false);
    }
}
