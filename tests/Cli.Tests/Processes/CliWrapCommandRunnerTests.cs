using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Processes;

public sealed class CliWrapCommandRunnerTests
{
    private static readonly ProcProcessTable Processes = new();

    // What takes milliseconds (a signal, a shell starting) gets two orders of magnitude more, for a busy machine.
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(20);

    private readonly RecordingProgress _progress = new();

    private CliWrapCommandRunner Runner(CommandRunnerOptions? options = null) => new(_progress, options);

    [Fact(Timeout = 30_000)]
    public async Task A_failing_command_raises_its_exit_code_and_the_tail_of_its_output()
    {
        var command = new CommandSpec("/bin/sh", "-c", "echo out; echo err >&2; exit 3") { Description = "a failing script" };

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => Runner().RunAsync(command, CancellationToken.None));

        Assert.Equal(3, error.CommandExitCode);
        Assert.Equal(ExitCodes.ExternalToolFailed, error.ExitCode);
        Assert.Equal(["err", "out"], error.OutputTail.Order(StringComparer.Ordinal));
        Assert.Same(command, error.Command);
        Assert.Contains("a failing script", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_killed_with_its_parent_thread_outlives_the_thread_that_ran_it()
    {
        // setpriv --pdeathsig KILL binds the program as bwrap's --die-with-parent binds a sandbox: the kernel kills it when
        // the thread that started it exits. The calling thread here ends once the program runs (it says "ready" after
        // the signal is set); only then is the program let go, to exit 0.
        using var folder = new TempDirectory("diskless-pdeathsig-");
        var release = folder.Combine("release");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var command = new CommandSpec("setpriv", "--pdeathsig", "KILL", "--", "/bin/sh", "-c", "echo ready; while [ ! -e \"$1\" ]; do sleep 0.05; done", "sh", release)
        {
            OnOutputLine = line => { if (line == "ready") { ready.TrySetResult(); } },
        };
        Task<CommandResult>? run = null;
        string? callerTask = null;
        var caller = new Thread(() =>
        {
            callerTask = "/proc/" + new FileInfo("/proc/thread-self").LinkTarget;
            run = Runner().RunAsync(command, CancellationToken.None);
        });

        caller.Start();
        await ready.Task.WaitAsync(Generously);
        caller.Join();
        // Join returns when the thread's code is done; the kernel's thread (and its parent-death signal) goes a moment later.
        var gone = Task.Run(async () => { while (Directory.Exists(callerTask)) { await Task.Delay(20); } });
        await gone.WaitAsync(Generously);
        await File.WriteAllTextAsync(release, "");

        var result = await run!.WaitAsync(Generously);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_output_tail_keeps_only_the_last_lines()
    {
        var command = new CommandSpec("/bin/sh", "-c", "i=1; while [ $i -le 100 ]; do echo line$i; i=$((i+1)); done; exit 1");

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => Runner().RunAsync(command, CancellationToken.None));

        Assert.Equal(40, error.OutputTail.Count);
        Assert.Equal("line61", error.OutputTail[0]);
        Assert.Equal("line100", error.OutputTail[^1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_allowed_exit_code_returns_the_separate_outputs()
    {
        var command = new CommandSpec("/bin/sh", "-c", "printf 'a\\nb'; echo e >&2; exit 2") { SuccessExitCodes = [0, 2] };

        var result = await Runner().RunAsync(command, CancellationToken.None);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("a\nb", result.StandardOutput);
        Assert.Equal("e\n", result.StandardError);
    }

    [Fact(Timeout = 30_000)]
    public async Task Arguments_reach_the_program_unchanged_without_a_shell()
    {
        var command = new CommandSpec("printf", "%s|", "two words", "$HOME", "it's", "*");

        var result = await Runner().RunAsync(command, CancellationToken.None);

        Assert.Equal("two words|$HOME|it's|*|", result.StandardOutput);
    }

    [Fact(Timeout = 30_000)]
    public async Task Environment_working_directory_and_standard_input_are_passed()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-runner-").FullName;
        try
        {
            var command = new CommandSpec("/bin/sh", "-c", "echo \"$GREETING\"; pwd; cat; echo \"${HOME-unset}\"")
            {
                Environment = new Dictionary<string, string?> { ["GREETING"] = "hello", ["HOME"] = null },
                WorkingDirectory = folder,
                StandardInput = "from stdin\n",
            };

            var result = await Runner().RunAsync(command, CancellationToken.None);

            Assert.Equal($"hello\n{folder}\nfrom stdin\nunset\n", result.StandardOutput);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Every_output_line_is_streamed_to_the_callback()
    {
        var lines = new List<string>();
        var command = new CommandSpec("/bin/sh", "-c", "echo one; echo two >&2; echo three")
        {
            OnOutputLine = line => { lock (lines) { lines.Add(line); } },
        };

        await Runner().RunAsync(command, CancellationToken.None);

        Assert.Equal(["one", "three", "two"], lines.Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Commands_and_their_output_are_logged_when_verbose()
    {
        var progress = new VerboseProgress();
        var runner = new CliWrapCommandRunner(progress);

        await runner.RunAsync(new CommandSpec("/bin/sh", "-c", "echo 'hi there'"), CancellationToken.None);

        Assert.Equal(["$ /bin/sh -c 'echo '\\''hi there'\\'''", "hi there"], progress.Lines);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_missing_program_names_the_package_that_installs_it()
    {
        var runner = Runner(new CommandRunnerOptions { FindExecutable = _ => null });

        var error = await Assert.ThrowsAsync<DisklessException>(() =>
            runner.RunAsync(new CommandSpec("qemu-system-x86_64", "-version"), CancellationToken.None));

        Assert.Equal("qemu-system-x86_64 is not installed", error.Message);
        Assert.Equal("apt-get install -y qemu-system-x86", error.Hint);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_program_absent_from_the_path_is_reported_as_not_installed()
    {
        var error = await Assert.ThrowsAsync<DisklessException>(() =>
            Runner().RunAsync(new CommandSpec("debootstrap-that-does-not-exist"), CancellationToken.None));

        Assert.Equal("debootstrap-that-does-not-exist is not installed", error.Message);
        Assert.NotNull(error.Hint);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancellation_interrupts_the_program_and_leaves_no_process()
    {
        // The grace period runs on a clock that never moves: only the interrupt itself can end the program.
        var options = new CommandRunnerOptions { InterruptGracePeriod = TimeSpan.FromMinutes(10), Time = new FakeClock() };
        await using var sleep = await SleepingProgram.StartAsync(Runner(options), ignoresInterrupt: false);

        await sleep.Cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.Run.WaitAsync(Generously));
        Assert.True(await Processes.WaitForExitAsync(sleep.Pid, Generously, CancellationToken.None));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_program_that_ignores_the_interrupt_is_killed_when_the_grace_period_ends_and_not_before()
    {
        var clock = new FakeClock();
        var options = new CommandRunnerOptions { InterruptGracePeriod = TimeSpan.FromMinutes(10), Time = clock };
        await using var sleep = await SleepingProgram.StartAsync(Runner(options), ignoresInterrupt: true);

        await sleep.Cancel.CancelAsync();
        clock.Advance(options.InterruptGracePeriod - TimeSpan.FromSeconds(1));

        // A kill before the grace period ends would show here; a slow machine can only make this pass without proof.
        Assert.NotSame(sleep.Run, await Task.WhenAny(sleep.Run, Task.Delay(TimeSpan.FromMilliseconds(500))));
        Assert.True(Processes.IsAlive(sleep.Pid));

        clock.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.Run.WaitAsync(Generously));
        Assert.True(await Processes.WaitForExitAsync(sleep.Pid, Generously, CancellationToken.None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Root_commands_go_through_sudo_when_not_root_and_say_so_once()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-sudo-").FullName;
        try
        {
            // A stand-in sudo that records its arguments and runs the rest.
            var fakeSudo = Path.Combine(folder, "sudo");
            await File.WriteAllTextAsync(fakeSudo, "#!/bin/sh\nprintf 'sudo %s\\n' \"$*\"\nshift\nexec \"$@\"\n");
            File.SetUnixFileMode(fakeSudo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var runner = Runner(new CommandRunnerOptions
            {
                RunningAsRoot = false,
                FindExecutable = name => name == "sudo" ? fakeSudo : ExecutableFinder.Find(name),
            });
            var command = new CommandSpec("printf", "%s\\n", "$X") { RequiresRoot = true, Environment = new Dictionary<string, string?> { ["X"] = "1" } };

            var first = await runner.RunAsync(command, CancellationToken.None);
            await runner.RunAsync(command, CancellationToken.None);

            Assert.Equal($"sudo -n env X=1 {ExecutableFinder.Find("printf")} %s\\n $X\n$X\n", first.StandardOutput);
            Assert.Equal(["info: running printf as root through sudo"], _progress.Lines.Where(l => l.StartsWith("info:", StringComparison.Ordinal)));
            Assert.Equal(2, _progress.Lines.Count(l => l == "verbose: $ sudo -n printf '%s\\n' '$X'"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Through_sudo_a_command_that_unsets_and_sets_variables_runs_with_both_applied()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-sudo-").FullName;
        try
        {
            // sudo's stand-in drops "-n" and runs the rest, as sudo would: env must accept what follows it.
            var fakeSudo = Path.Combine(folder, "sudo");
            await File.WriteAllTextAsync(fakeSudo, "#!/bin/sh\nshift\nexec \"$@\"\n");
            File.SetUnixFileMode(fakeSudo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var runner = Runner(new CommandRunnerOptions
            {
                RunningAsRoot = false,
                FindExecutable = name => name == "sudo" ? fakeSudo : ExecutableFinder.Find(name),
            });
            var command = new CommandSpec("sh", "-c", "echo \"${DROPPED-unset} $KEPT\"")
            {
                RequiresRoot = true,
                Environment = new Dictionary<string, string?> { ["KEPT"] = "kept", ["DROPPED"] = null },
            };
            Environment.SetEnvironmentVariable("DROPPED", "leaked");

            var result = await runner.RunAsync(command, CancellationToken.None);

            Assert.Equal("unset kept\n", result.StandardOutput);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DROPPED", null);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Root_commands_without_sudo_fail_naming_sudo()
    {
        var runner = Runner(new CommandRunnerOptions
        {
            RunningAsRoot = false,
            FindExecutable = name => name == "sudo" ? null : ExecutableFinder.Find(name),
        });

        var error = await Assert.ThrowsAsync<DisklessException>(() =>
            runner.RunAsync(new CommandSpec("mount") { RequiresRoot = true }, CancellationToken.None));

        Assert.Contains("sudo is not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("mount", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_root_command_runs_directly_when_already_root()
    {
        var runner = Runner(new CommandRunnerOptions { RunningAsRoot = true, FindExecutable = name => name == "sudo" ? null : ExecutableFinder.Find(name) });

        var result = await runner.RunAsync(new CommandSpec("echo", "ok") { RequiresRoot = true }, CancellationToken.None);

        Assert.Equal("ok\n", result.StandardOutput);
        Assert.Equal(["verbose: $ echo ok"], _progress.Lines);
    }

    private sealed class VerboseProgress : IProgressReporter
    {
        public List<string> Lines { get; } = [];

        public bool IsVerbose => true;

        public IProgressStage BeginStage(string title) => throw new NotSupportedException();

        public void Info(string message) => Lines.Add("info: " + message);

        public void Warn(string message) => Lines.Add("warn: " + message);

        public void Verbose(string message)
        {
            lock (Lines)
            {
                Lines.Add(message);
            }
        }
    }
}
