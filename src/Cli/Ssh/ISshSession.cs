namespace Diskless.Cli.Ssh;

/// <summary>A logged-in SSH connection to a guest: run commands and upload files.</summary>
public interface ISshSession : IDisposable
{
    /// <summary>The user this session is logged in as ("root" needs no sudo).</summary>
    string User { get; }

    /// <summary>
    /// Runs <paramref name="command"/> through the login user's shell, calling <paramref name="stdout"/> and
    /// <paramref name="stderr"/> with each line as it arrives. Returns the exit code; a command killed by a signal
    /// returns 128 + the signal's number, as shells report it.
    /// </summary>
    Task<int> ExecAsync(string command, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="input"/>'s lines written to its standard input as they come
    /// (for a long-running guest-side loop fed a small protocol); stdin closes when <paramref name="input"/> completes or
    /// the channel ends, which is how such a loop knows to end. Returns the exit code as <see cref="ExecAsync"/> does.
    /// </summary>
    Task<int> StreamAsync(string command, System.Threading.Channels.ChannelReader<string> input, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this SSH session cannot feed a command's input");

    /// <summary>
    /// Uploads <paramref name="content"/> to <paramref name="remotePath"/> over SFTP and sets its mode. Throws
    /// <see cref="UnauthorizedAccessException"/> when the login user may not write there and
    /// <see cref="DirectoryNotFoundException"/> when the folder does not exist.
    /// </summary>
    Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken cancellationToken);
}
