using System.Collections.Concurrent;
using Diskless.Abstractions;

namespace Diskless.Testing;

/// <summary>
/// A fake <see cref="ICommandRunner"/> that records every command and answers from a script. Its
/// <see cref="Transcript"/> (one quoted command per line) is meant to be compared with a golden file.
/// Unscripted commands succeed with empty output.
/// </summary>
public sealed class RecordingCommandRunner : ICommandRunner
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<CommandSpec, bool> Matches, Func<CommandSpec, CommandResult> Respond)> _script = [];
    private int _nextPid = 4000;

    /// <summary>Every command run, in order.</summary>
    public List<CommandSpec> Commands { get; } = [];

    /// <summary>One line per command: "[root] " when it needs root, "detached " for detached starts.</summary>
    public string Transcript => string.Join('\n', _lines) + (_lines.IsEmpty ? "" : "\n");

    /// <summary>Adds a line to the transcript (the fake chroot records its mounts through this).</summary>
    public void Record(string line) => _lines.Enqueue(line);

    /// <summary>Commands whose program name (file name without folder) is <paramref name="program"/> and whose
    /// argument list contains all of <paramref name="argumentsContaining"/> answer with <paramref name="respond"/>.</summary>
    public RecordingCommandRunner On(string program, Func<CommandSpec, CommandResult> respond, params string[] argumentsContaining)
    {
        _script.Add((c => Path.GetFileName(c.FileName) == program && argumentsContaining.All(c.Arguments.Contains), respond));
        return this;
    }

    /// <summary>Scripts a command to exit with <paramref name="exitCode"/> after printing <paramref name="output"/>.</summary>
    public RecordingCommandRunner Fail(string program, int exitCode, string output, params string[] argumentsContaining) =>
        On(program, _ => new CommandResult(exitCode, output, "", TimeSpan.Zero), argumentsContaining);

    /// <summary>Scripts a command to print <paramref name="stdout"/>.</summary>
    public RecordingCommandRunner Print(string program, string stdout, params string[] argumentsContaining) =>
        On(program, _ => new CommandResult(0, stdout, "", TimeSpan.Zero), argumentsContaining);

    /// <summary>Scripts a command to throw (e.g. <see cref="OperationCanceledException"/> to simulate Ctrl-C).</summary>
    public RecordingCommandRunner Throw(string program, Exception exception, params string[] argumentsContaining) =>
        On(program, _ => throw exception, argumentsContaining);

    /// <inheritdoc />
    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Commands)
        {
            Commands.Add(command);
        }

        _lines.Enqueue((command.RequiresRoot ? "[root] " : "") + command);
        var result = Respond(command);
        foreach (var line in (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            command.OnOutputLine?.Invoke(line);
        }

        if (!command.SuccessExitCodes.Contains(result.ExitCode))
        {
            var tail = (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(20).ToList();
            throw new CommandFailedException(command, result.ExitCode, tail);
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Commands)
        {
            Commands.Add(command);
        }

        _lines.Enqueue("detached " + (command.RequiresRoot ? "[root] " : "") + command);
        var result = Respond(command);
        if (!command.SuccessExitCodes.Contains(result.ExitCode))
        {
            throw new CommandFailedException(command, result.ExitCode, [result.StandardOutput]);
        }

        return Task.FromResult(Interlocked.Increment(ref _nextPid));
    }

    private CommandResult Respond(CommandSpec command)
    {
        for (var i = _script.Count - 1; i >= 0; i--)
        {
            if (_script[i].Matches(command))
            {
                return _script[i].Respond(command);
            }
        }

        return new CommandResult(0, "", "", TimeSpan.Zero);
    }
}
