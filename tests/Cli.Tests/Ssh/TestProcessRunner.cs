using System.Diagnostics;
using Diskless.Abstractions;

namespace Diskless.Cli.Tests.Ssh;

/// <summary>
/// A minimal real <see cref="ICommandRunner"/> for the SSH tests (ssh-keygen, ssh), standing in until the CLI's own
/// runner is merged; it kills the process tree when the test's token fires.
/// </summary>
internal sealed class TestProcessRunner : ICommandRunner
{
    public async Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + command.FileName);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var result = new CommandResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
        if (!command.SuccessExitCodes.Contains(result.ExitCode))
        {
            throw new CommandFailedException(command, result.ExitCode, (result.StandardOutput + result.StandardError).Split('\n').TakeLast(20).ToList());
        }

        return result;
    }

    public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the SSH tests start no detached helpers");
}
