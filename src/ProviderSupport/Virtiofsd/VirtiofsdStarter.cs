using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>
/// Starts a planned virtiofsd in the background and waits until it has bound its vhost-user socket: a VMM that
/// connects before then fails at once. Stopping it is the caller's, by the pid it gets back.
/// </summary>
public static class VirtiofsdStarter
{
    /// <summary>
    /// Starts <paramref name="command"/> for <paramref name="share"/> with its output in <paramref name="log"/>, adds its
    /// pid to <paramref name="started"/> before waiting (so a failed or cancelled wait still leaves the caller the pid to
    /// clean up), then waits for <paramref name="socket"/>. Every wrapper around virtiofsd must exec the next in place,
    /// so that the pid is virtiofsd's once it runs.
    /// </summary>
    /// <exception cref="DisklessException">virtiofsd exited first, or made no socket within <paramref name="socketTimeout"/>; the end of its log is shown.</exception>
    public static async Task StartAsync(
        CommandSpec command,
        Share share,
        string socket,
        string log,
        IHostServices host,
        ICollection<int> started,
        TimeSpan socketTimeout,
        TimeSpan pollInterval,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(started);
        var pid = await host.Commands.StartDetachedAsync(command with { Description = $"virtiofsd for {share.Tag}" }, log, cancellationToken).ConfigureAwait(false);
        started.Add(pid);

        var deadline = DateTime.UtcNow + socketTimeout;
        while (!File.Exists(socket))
        {
            if (!host.Processes.IsAlive(pid))
            {
                throw new DisklessException(
                    $"virtiofsd for '{share.Tag}' ({share.HostPath}) exited before it opened its socket.{await LogEndAsync(log, cancellationToken).ConfigureAwait(false)}",
                    $"See its log: {log}",
                    ExitCodes.ExternalToolFailed);
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new DisklessException(
                    $"virtiofsd for '{share.Tag}' did not create {socket} within {socketTimeout.TotalSeconds:0} s.{await LogEndAsync(log, cancellationToken).ConfigureAwait(false)}",
                    $"See its log: {log}",
                    ExitCodes.ExternalToolFailed);
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    // The end of virtiofsd's log usually says why it failed.
    private static async Task<string> LogEndAsync(string log, CancellationToken cancellationToken)
    {
        var lines = await LogTail.ReadAsync(log, 10, cancellationToken).ConfigureAwait(false);
        return lines.Count == 0 ? "" : "\n" + string.Join('\n', lines);
    }
}
