using System.Diagnostics;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Tests.Provisioning;

/// <summary>
/// An <see cref="ISshSession"/> whose guest is this host: commands run in <c>/bin/sh</c> with <c>TMPDIR</c> set to
/// <paramref name="temporaryDirectory"/>, uploads write the file as SFTP would (an existing file keeps its owner and mode
/// until the mode is set).
/// </summary>
internal sealed class LocalShellSession(string temporaryDirectory) : ISshSession
{
    public string User { get; } = Environment.UserName;

    public async Task<int> ExecAsync(string command, Action<string>? stdout, Action<string>? stderr, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["TMPDIR"] = temporaryDirectory;
        using var process = Process.Start(start)!;
        var output = PumpAsync(process.StandardOutput, stdout, cancellationToken);
        var errors = PumpAsync(process.StandardError, stderr, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(output, errors);
        return process.ExitCode;
    }

    public async Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(remotePath, FileMode.Create, FileAccess.Write))
        {
            await content.CopyToAsync(file, cancellationToken);
        }

        File.SetUnixFileMode(remotePath, mode);
    }

    public void Dispose()
    {
    }

    private static async Task PumpAsync(StreamReader reader, Action<string>? onLine, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            onLine?.Invoke(line);
        }
    }
}
