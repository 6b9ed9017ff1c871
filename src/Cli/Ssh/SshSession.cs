using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Diskless.Abstractions;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Diskless.Cli.Ssh;

/// <summary>A pinned, logged-in SSH.NET connection; SFTP opens its own pinned connection on first upload.</summary>
public sealed class SshSession : ISshSession
{
    private readonly SshClient _client;
    private readonly SshTarget _target;
    private readonly Func<Task<SftpClient>> _openSftp;
    private SftpClient? _sftp;

    internal SshSession(SshClient client, SshTarget target, Func<Task<SftpClient>> openSftp)
    {
        _client = client;
        _target = target;
        _openSftp = openSftp;
    }

    /// <inheritdoc />
    public string User => _target.User;

    /// <summary>The signal that killed the last command run, when one did (e.g. "KILL"); for messages.</summary>
    public string? LastExitSignal { get; private set; }

    /// <inheritdoc />
    public async Task<int> ExecAsync(string command, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken)
    {
        using var ssh = _client.CreateCommand(SessionBoundCommand.Wrap(command), Encoding.UTF8);
        var run = ssh.ExecuteAsync(cancellationToken);
        var readOut = PumpLinesAsync(ssh.OutputStream, stdout);
        var readErr = PumpLinesAsync(ssh.ExtendedOutputStream, stderr);
        try
        {
            await run.ConfigureAwait(false);
        }
        catch
        {
            // SSH.NET closes both streams when the command ends, cancelled or not; a few seconds guard against a lost close.
            await Task.WhenAll(readOut, readErr).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await Task.WhenAll(readOut, readErr).ConfigureAwait(false);

        LastExitSignal = ssh.ExitSignal;

        // No exit status means the remote process was killed by a signal (or the server did not say): report it
        // the way a shell does, 128 + signal number, so callers see a failure and can name the signal.
        return ssh.ExitStatus ?? SignalExitCodes.For(ssh.ExitSignal);
    }

    /// <inheritdoc />
    public async Task<int> StreamAsync(string command, ChannelReader<string> input, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken)
    {
        // Not wrapped in SessionBoundCommand, whose watcher owns stdin: here stdin is the command's, and its end (the
        // input completes, the channel closes, the connection drops) is what ends the command.
        using var ssh = _client.CreateCommand(command, Encoding.UTF8);
        var run = ssh.ExecuteAsync(cancellationToken);
        var readOut = PumpLinesAsync(ssh.OutputStream, stdout);
        var readErr = PumpLinesAsync(ssh.ExtendedOutputStream, stderr);
        var feed = Task.Run(async () =>
        {
            using var stdin = ssh.CreateInputStream();
            try
            {
                await foreach (var line in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var bytes = Encoding.UTF8.GetBytes(line + "\n");
                    await stdin.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SshException or ObjectDisposedException or InvalidOperationException)
            {
                // The channel ended first: the command's exit says why.
            }
        }, CancellationToken.None);
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            await Task.WhenAll(readOut, readErr, feed).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        LastExitSignal = ssh.ExitSignal;
        return ssh.ExitStatus ?? SignalExitCodes.For(ssh.ExitSignal);
    }

    /// <inheritdoc />
    public async Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken cancellationToken)
    {
        _sftp ??= await _openSftp().ConfigureAwait(false);
        try
        {
            await _sftp.UploadFileAsync(content, remotePath, cancellationToken).ConfigureAwait(false);
            // SSH.NET takes the mode as the digits of its octal form (755 for rwxr-xr-x), not as a number.
            _sftp.ChangePermissions(remotePath, short.Parse(Convert.ToString((int)mode & 0x1FF, 8), CultureInfo.InvariantCulture));
        }
        catch (SftpPermissionDeniedException e)
        {
            throw new UnauthorizedAccessException($"{_target.User} may not write {remotePath} in the guest", e);
        }
        catch (SftpPathNotFoundException e)
        {
            throw new DirectoryNotFoundException($"the guest has no folder {Path.GetDirectoryName(remotePath)}", e);
        }
        catch (SshException e)
        {
            throw new DisklessException($"uploading {remotePath} to {_target.Address} failed: {e.Message}", null, ExitCodes.Failure, e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sftp?.Dispose();
        _client.Dispose();
    }

    private static Task PumpLinesAsync(Stream stream, Action<string>? onLine) => Task.Run(async () =>
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            onLine?.Invoke(line);
        }
    });
}
