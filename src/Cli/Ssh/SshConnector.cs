using System.Net.Sockets;
using Diskless.Abstractions;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Diskless.Cli.Ssh;

/// <summary>Opens SSH.NET connections that trust only the pinned host key and log in with the machine's key.</summary>
public static class SshConnector
{
    /// <summary>How long one connection attempt may take, handshake and login included.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connects and logs in. Throws <see cref="HostKeyMismatchException"/> when the guest's host key is not the pinned
    /// one, and <see cref="DisklessException"/> (<see cref="ExitCodes.BootFailed"/>) when the guest cannot be reached or refuses the key.
    /// </summary>
    public static async Task<SshSession> ConnectAsync(SshTarget target, CancellationToken cancellationToken) =>
        await ConnectAsync(target, DefaultTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>As <see cref="ConnectAsync(SshTarget, CancellationToken)"/>, with a per-attempt <paramref name="timeout"/>.</summary>
    public static async Task<SshSession> ConnectAsync(SshTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var client = new SshClient(CreateConnectionInfo(target, timeout, out var pin));
        try
        {
            await ConnectClientAsync(client, pin, target, timeout, cancellationToken).ConfigureAwait(false);
            return new SshSession(client, target, () => CreateSftpClientAsync(target, timeout));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<SftpClient> CreateSftpClientAsync(SshTarget target, TimeSpan timeout)
    {
        var sftp = new SftpClient(CreateConnectionInfo(target, timeout, out var pin));
        try
        {
            await ConnectClientAsync(sftp, pin, target, timeout, CancellationToken.None).ConfigureAwait(false);
            return sftp;
        }
        catch
        {
            sftp.Dispose();
            throw;
        }
    }

    private static ConnectionInfo CreateConnectionInfo(SshTarget target, TimeSpan timeout, out HostKeyPin pin)
    {
        pin = new HostKeyPin(target.PinnedHostKeys, target.Address);
        PrivateKeyFile key;
        try
        {
            key = new PrivateKeyFile(target.PrivateKeyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SshException)
        {
            throw new DisklessException(
                $"cannot read the machine's SSH key {target.PrivateKeyPath}: {e.Message}",
                "Run `diskless up` again to recreate the machine's keys.",
                ExitCodes.Failure,
                e);
        }

        var info = new ConnectionInfo(target.Endpoint.Host, target.Endpoint.Port, target.User, new PrivateKeyAuthenticationMethod(target.User, key))
        {
            Timeout = timeout,
        };

        // Offer only the pinned key types, so a guest that also has an RSA key cannot be asked for a key we cannot check.
        var pinned = pin.Algorithms.ToHashSet(StringComparer.Ordinal);
        foreach (var name in info.HostKeyAlgorithms.Keys.Where(k => !pinned.Contains(k)).ToList())
        {
            info.HostKeyAlgorithms.Remove(name);
        }

        return info;
    }

    private static async Task ConnectClientAsync(BaseClient client, HostKeyPin pin, SshTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        client.HostKeyReceived += (_, e) => e.CanTrust = pin.Accepts(e.HostKey);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (pin.RefusedFingerprint is not null && e is not OperationCanceledException)
        {
            // SSH.NET reports a refused host key only as a failed key exchange; the pin knows what really happened.
            throw pin.MismatchError(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(target, $"no answer within {timeout.TotalSeconds:0} s", e);
        }
        catch (SshAuthenticationException e)
        {
            throw new DisklessException(
                $"the guest at {target.Address} refused the machine's key for user {target.User}: {e.Message}",
                "The guest's authorized_keys may not hold the machine's key; `diskless reload` installs it again.",
                ExitCodes.BootFailed,
                e);
        }
        catch (Exception e) when (e is SocketException or SshException or IOException or TimeoutException or ProxyException)
        {
            throw Unreachable(target, e.Message, e);
        }
    }

    private static DisklessException Unreachable(SshTarget target, string why, Exception inner) => new(
        $"cannot connect to {target.User}@{target.Address}: {why}",
        "Check that the machine is running with `diskless status`; its console log shows how far it booted.",
        ExitCodes.BootFailed,
        inner);
}
