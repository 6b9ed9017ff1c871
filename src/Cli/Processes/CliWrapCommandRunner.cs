using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;
using Diskless.Abstractions;
using CommandResult = Diskless.Abstractions.CommandResult;

namespace Diskless.Cli.Processes;

/// <summary>
/// The real <see cref="ICommandRunner"/>: argv without a shell, every command line logged to verbose progress,
/// output streamed line by line, sudo added for root-only commands when not root, SIGINT first on cancellation.
/// </summary>
public sealed class CliWrapCommandRunner : ICommandRunner
{
    private readonly IProgressReporter _progress;
    private readonly CommandRunnerOptions _options;
    private readonly bool _isRoot;
    // Guarded by a lock rather than a ConcurrentDictionary: every command makes a runner, most run nothing, and loading
    // System.Collections.Concurrent is start-up they would all pay.
    private readonly HashSet<string> _announcedSudo = new(StringComparer.Ordinal);

    /// <summary>Creates the runner; <paramref name="options"/> defaults to <see cref="CommandRunnerOptions"/>' defaults.</summary>
    public CliWrapCommandRunner(IProgressReporter progress, CommandRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _progress = progress;
        _options = options ?? new CommandRunnerOptions();
        _isRoot = _options.RunningAsRoot ?? Environment.IsPrivilegedProcess;
    }

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        var resolved = Resolve(command);
        _progress.Verbose("$ " + DisplayLine(command));

        var tail = new OutputTail(_options.OutputTailLines);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        void OnLine(string line)
        {
            tail.Add(line);
            command.OnOutputLine?.Invoke(line);
            if (_progress.IsVerbose)
            {
                _progress.Verbose(line);
            }
        }

        var cli = CliWrap.Cli.Wrap(resolved.FileName)
            .WithArguments(resolved.FullArguments)
            .WithEnvironmentVariables(command.Environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(command.StandardInput is null ? PipeSource.Null : PipeSource.FromString(command.StandardInput))
            .WithStandardOutputPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(stdout), PipeTarget.ToDelegate(OnLine)))
            .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(stderr), PipeTarget.ToDelegate(OnLine)));
        if (command.WorkingDirectory is not null)
        {
            cli = cli.WithWorkingDirectory(command.WorkingDirectory);
        }

        // Ctrl-C first asks the program to stop (SIGINT) so it can clean up; only a program that ignores it is killed.
        using var forceful = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _options.Time);
        using var escalate = cancellationToken.Register(() => forceful.CancelAfter(_options.InterruptGracePeriod));
        var stopwatch = Stopwatch.StartNew();
        CliWrap.CommandResult result;
        try
        {
            result = await StartedOnOwnThreadAsync(() => cli.ExecuteAsync(forceful.Token, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{command.Description ?? command.FileName} was interrupted", cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // The program vanished between the lookup and the start, or is not executable.
            throw new DisklessException($"could not start {command.FileName}: {e.Message}", MissingProgram.Error(command.FileName).Hint, ExitCodes.NotAvailable, e);
        }

        var outcome = new CommandResult(result.ExitCode, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
        if (!command.SuccessExitCodes.Contains(result.ExitCode))
        {
            var lines = tail.Snapshot();
            throw new CommandFailedException(command, result.ExitCode, lines, SudoHint(resolved, lines));
        }

        return outcome;
    }

    /// <summary>
    /// Starts the program from a thread of its own that waits until it ends. The kernel sends a parent-death signal
    /// (PR_SET_PDEATHSIG: bwrap's --die-with-parent, the sandbox of every program of a root) when the thread that
    /// started the process exits, not the process; the thread pool retires a worker idle for 20 s, so a sandboxed
    /// program running longer — update-initramfs at a first configure on a busy host — was killed (exit 137).
    /// </summary>
    private static Task<CliWrap.CommandResult> StartedOnOwnThreadAsync(Func<CommandTask<CliWrap.CommandResult>> start) =>
        Task.Factory.StartNew(
            () => start().Task.GetAwaiter().GetResult(),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <inheritdoc />
    public Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(logPath);
        cancellationToken.ThrowIfCancellationRequested();
        var resolved = Resolve(command);
        var setsid = Find("setsid") ?? throw MissingProgram.Error("setsid");
        _progress.Verbose($"$ {DisplayLine(command)} >>{ShellQuoting.Quote(logPath)} 2>&1 &");
        return DetachedStart.StartAsync(setsid, resolved, command, Path.GetFullPath(logPath), cancellationToken);
    }

    private ResolvedCommand Resolve(CommandSpec command)
    {
        var program = Find(command.FileName) ?? throw MissingProgram.Error(command.FileName);
        if (!command.RequiresRoot || _isRoot)
        {
            return new ResolvedCommand([], program, command.Arguments);
        }

        var sudo = Find("sudo") ?? throw new DisklessException(
            $"{Path.GetFileName(command.FileName)} must run as root, and sudo is not installed",
            "run diskless as root, or install sudo: apt-get install -y sudo",
            ExitCodes.NotAvailable);
        bool first;
        lock (_announcedSudo)
        {
            first = _announcedSudo.Add(Path.GetFileName(command.FileName));
        }

        if (first)
        {
            _progress.Info($"running {Path.GetFileName(command.FileName)} as root through sudo");
        }

        // sudo drops the caller's environment, so the command's own variables are set on the far side by env(1).
        List<string> prefix = [sudo, "-n"];
        if (command.Environment.Count > 0)
        {
            // env takes options only before the first assignment: every -u goes first.
            prefix.Add("env");
            foreach (var (name, _) in command.Environment.Where(v => v.Value is null))
            {
                prefix.AddRange(["-u", name]);
            }

            foreach (var (name, value) in command.Environment.Where(v => v.Value is not null))
            {
                prefix.Add($"{name}={value}");
            }
        }

        return new ResolvedCommand(prefix, program, command.Arguments);
    }

    private string DisplayLine(CommandSpec command) =>
        command.RequiresRoot && !_isRoot ? "sudo -n " + command : command.ToString();

    private string? Find(string name) =>
        _options.FindExecutable is { } find ? find(name) : ExecutableFinder.Find(name);

    private static string? SudoHint(ResolvedCommand resolved, IReadOnlyList<string> tail) =>
        resolved.Prefix.Count > 0 && tail.Any(l => l.Contains("password is required", StringComparison.Ordinal))
            ? "sudo needs a password: run `sudo -v` first, or run diskless as root"
            : null;
}
