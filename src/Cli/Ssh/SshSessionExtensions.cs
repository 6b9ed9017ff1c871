namespace Diskless.Cli.Ssh;

/// <summary>Conveniences over <see cref="ISshSession"/>.</summary>
public static class SshSessionExtensions
{
    /// <summary>Uploads the host file <paramref name="localPath"/> to <paramref name="remotePath"/> with <paramref name="mode"/>.</summary>
    public static async Task UploadAsync(this ISshSession session, string localPath, string remotePath, UnixFileMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var stream = File.OpenRead(localPath);
        await using (stream.ConfigureAwait(false))
        {
            await session.UploadAsync(stream, remotePath, mode, cancellationToken).ConfigureAwait(false);
        }
    }
}
