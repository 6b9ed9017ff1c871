using System.Threading.Channels;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Agent;

/// <summary>An SSH session whose long-running commands print what the test writes, until the test ends them or the caller cancels.</summary>
internal sealed class FakeGuestShell : ISshSession
{
    private Channel<string?> _lines = Channel.CreateUnbounded<string?>();
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string User => "dev";

    public List<string> Commands { get; } = [];

    /// <summary>Completes when the next command starts.</summary>
    public Task Started => _started.Task;

    /// <summary>Prints one set of listeners (lines like "tcp 00000000:1F90") and its end.</summary>
    public void Print(params string[] listeners)
    {
        foreach (var line in listeners)
        {
            _lines.Writer.TryWrite(line);
        }

        _lines.Writer.TryWrite(".");
    }

    /// <summary>Ends the running command with exit 255, as a dropped channel does.</summary>
    public void EndCommand() => _lines.Writer.TryWrite(null);

    public async Task<int> ExecAsync(string command, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken)
    {
        lock (Commands)
        {
            Commands.Add(command);
        }

        var lines = _lines;
        _started.TrySetResult();
        await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
        {
            if (line is null)
            {
                _lines = Channel.CreateUnbounded<string?>();
                _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return 255;
            }

            stdout?.Invoke(line);
        }

        return 0;
    }

    public Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken cancellationToken) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
