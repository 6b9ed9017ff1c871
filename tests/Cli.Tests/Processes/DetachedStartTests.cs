using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Processes;

public sealed class DetachedStartTests
{
    private static readonly ProcProcessTable Processes = new();

    [Fact(Timeout = 30_000)]
    public async Task A_detached_helper_reports_its_own_pid_and_keeps_running()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-detached-").FullName;
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var pid = 0;
        try
        {
            var log = Path.Combine(folder, "helper.log");

            pid = await runner.StartDetachedAsync(new CommandSpec("sleep", "30"), log, CancellationToken.None);
            await Task.Delay(300);

            Assert.True(Processes.IsAlive(pid));
            Assert.Equal("sleep", (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim());
            Assert.Equal(ExecutableFinder.Find("sleep") + "\030\0", await File.ReadAllTextAsync($"/proc/{pid}/cmdline"));
            Assert.NotEqual(GetSessionId(Environment.ProcessId), GetSessionId(pid));
            Assert.Equal(pid, GetSessionId(pid));
            Assert.True(File.Exists(log));
        }
        finally
        {
            if (pid > 0)
            {
                await runner.SignalAsync(pid, ProcessSignal.Kill, CancellationToken.None);
                Assert.True(await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), CancellationToken.None));
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_detached_helper_appends_its_output_to_the_log()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-detached-").FullName;
        try
        {
            var log = Path.Combine(folder, "logs", "helper.log");
            Directory.CreateDirectory(Path.GetDirectoryName(log)!);
            await File.WriteAllTextAsync(log, "earlier\n");
            var runner = new CliWrapCommandRunner(new RecordingProgress());

            var pid = await runner.StartDetachedAsync(
                new CommandSpec("/bin/sh", "-c", "echo \"out $V\"; echo err >&2; read x || echo eof") { Environment = new Dictionary<string, string?> { ["V"] = "1" } },
                log,
                CancellationToken.None);

            Assert.True(await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.Equal("earlier\nout 1\nerr\neof\n", await File.ReadAllTextAsync(log));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [RequiresFact("mkfifo", Timeout = 30_000)]
    public async Task The_pid_is_reported_only_once_the_log_is_open()
    {
        // A FIFO as the log: opening it for writing blocks until a reader opens it, so the order is observable.
        var folder = Directory.CreateTempSubdirectory("diskless-detached-").FullName;
        var pid = 0;
        try
        {
            var log = Path.Combine(folder, "helper.log");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [log]))
            {
                await mkfifo.WaitForExitAsync();
            }

            var runner = new CliWrapCommandRunner(new RecordingProgress());
            var start = runner.StartDetachedAsync(new CommandSpec("/bin/sh", "-c", "echo started"), log, CancellationToken.None);

            // Not a timing assumption for a correct wrapper: it cannot report before the open, however long this waits.
            await Task.Delay(500);
            Assert.False(start.IsCompleted, "the pid was reported before the log was opened");
            using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read));
            pid = await start;
            Assert.Equal("started", await reader.ReadLineAsync());
        }
        finally
        {
            if (pid > 0)
            {
                Assert.True(await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), CancellationToken.None));
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Signalling_a_process_that_is_gone_reports_false()
    {
        var runner = new CliWrapCommandRunner(new RecordingProgress());
        var result = await runner.RunAsync(new CommandSpec("/bin/sh", "-c", "echo $$"), CancellationToken.None);
        var deadPid = int.Parse(result.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(Processes.IsAlive(deadPid));
        Assert.False(await runner.SignalAsync(deadPid, ProcessSignal.Terminate, CancellationToken.None));
    }

    private static int GetSessionId(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture);
    }
}
