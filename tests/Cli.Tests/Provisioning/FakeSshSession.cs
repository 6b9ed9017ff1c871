using System.Text;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Provisioning;

/// <summary>
/// An <see cref="ISshSession"/> that records what it is asked and answers from a script; <c>mktemp</c>, unless
/// scripted, answers <c>/tmp/tmp.fake1</c>, <c>/tmp/tmp.fake2</c>, and so on.
/// </summary>
internal sealed class FakeSshSession(string user = "dev") : ISshSession
{
    private readonly List<(Func<string, bool> Matches, int Exit, string[] Output)> _exec = [];
    private readonly List<(Func<string, bool> Matches, Exception Error)> _uploadErrors = [];
    private int _temporaryFiles;

    public string User { get; } = user;

    /// <summary>One line per call: "exec COMMAND" or "upload PATH MODE (N bytes)".</summary>
    public List<string> Log { get; } = [];

    public Dictionary<string, string> Uploaded { get; } = [];

    public FakeSshSession OnExec(Func<string, bool> matches, int exit, params string[] output)
    {
        _exec.Add((matches, exit, output));
        return this;
    }

    public FakeSshSession FailUpload(Func<string, bool> matches, Exception error)
    {
        _uploadErrors.Add((matches, error));
        return this;
    }

    public Task<int> ExecAsync(string command, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Log.Add("exec " + command);
        foreach (var (matches, exit, output) in _exec)
        {
            if (matches(command))
            {
                foreach (var line in output)
                {
                    (line.StartsWith("E:", StringComparison.Ordinal) ? stderr : stdout)?.Invoke(line);
                }

                return Task.FromResult(exit);
            }
        }

        if (command == "mktemp")
        {
            stdout?.Invoke($"/tmp/tmp.fake{++_temporaryFiles}");
        }

        return Task.FromResult(0);
    }

    public async Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken cancellationToken)
    {
        foreach (var (matches, error) in _uploadErrors)
        {
            if (matches(remotePath))
            {
                Log.Add($"upload {remotePath} refused");
                throw error;
            }
        }

        using var reader = new StreamReader(content, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        Uploaded[remotePath] = text;
        Log.Add($"upload {remotePath} {Convert.ToString((int)mode, 8)} ({text.Length} bytes)");
    }

    public void Dispose()
    {
    }
}
