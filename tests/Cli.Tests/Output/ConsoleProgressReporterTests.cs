using Diskless.Cli.Output;

namespace Diskless.Cli.Tests.Output;

public sealed class ConsoleProgressReporterTests
{
    private readonly StringWriter _output = new();
    private readonly ManualTime _time = new();

    [Fact]
    public void Plain_output_shows_stages_with_their_duration_and_no_escape_codes()
    {
        var progress = new ConsoleProgressReporter(_output, isTerminal: false, verbose: false, _time);

        using (progress.BeginStage("Building base (debian bookworm)"))
        {
            _time.Advance(TimeSpan.FromSeconds(85.24));
        }

        progress.Info("base cached as 3f2a");
        using (var stage = progress.BeginStage("Booting dev..."))
        {
            stage.Update("waiting for SSH");
            progress.Warn("KVM is not usable here: boot will be slow");
            _time.Advance(TimeSpan.FromSeconds(3.1));
            stage.Fail();
        }

        progress.Verbose("$ qemu-system-x86_64 -version");

        Assert.Equal(
            """
            ==> Building base (debian bookworm)…
                done in 85.2s
            base cached as 3f2a
            ==> Booting dev...
            warning: KVM is not usable here: boot will be slow
                failed after 3.1s

            """,
            _output.ToString());
        Assert.Equal(0, _time.TimersCreated);
    }

    [Fact]
    public void Verbose_plain_output_adds_detail_and_command_lines()
    {
        var progress = new ConsoleProgressReporter(_output, isTerminal: false, verbose: true, _time);

        using (var stage = progress.BeginStage("Cloning root"))
        {
            stage.Update("cp --reflink=auto");
            progress.Verbose("$ cp -a src/. dst");
        }

        Assert.Equal("==> Cloning root…\n    cp --reflink=auto\n$ cp -a src/. dst\n    done in 0.0s\n", _output.ToString());
        Assert.True(progress.IsVerbose);
    }

    [Fact]
    public void A_terminal_gets_one_live_line_that_is_redrawn_and_then_replaced_by_the_result()
    {
        using var progress = new ConsoleProgressReporter(_output, isTerminal: true, verbose: false, _time, () => 100);

        using (var stage = progress.BeginStage("Building base (debian bookworm)"))
        {
            _time.Advance(TimeSpan.FromSeconds(42.7));
            progress.Redraw();
            stage.Update("extracting 120/236");
            progress.Info("note");
        }

        const string clear = "\r\u001b[2K";
        Assert.Equal(
            clear + "==> Building base (debian bookworm)… 0s ⠋"
            + clear + "==> Building base (debian bookworm)… 42s ⠙"
            + clear + "==> Building base (debian bookworm)… 42s ⠙  extracting 120/236"
            + clear + "note\n"
            + clear + "==> Building base (debian bookworm)… 42s ⠙  extracting 120/236"
            + clear + "==> Building base (debian bookworm)… done in 42.7s\n",
            _output.ToString());
        Assert.Equal(1, _time.TimersCreated);
    }

    [Fact]
    public void The_live_line_never_wraps_on_a_narrow_terminal()
    {
        using var progress = new ConsoleProgressReporter(_output, isTerminal: true, verbose: false, _time, () => 30);

        using var stage = progress.BeginStage("A stage with a rather long title indeed");

        var line = _output.ToString()["\r\u001b[2K".Length..];
        Assert.Equal(29, line.Length);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_stages_show_the_innermost_and_return_to_the_outer_one()
    {
        using var progress = new ConsoleProgressReporter(_output, isTerminal: true, verbose: false, _time, () => 100);

        using (progress.BeginStage("Up"))
        {
            using (progress.BeginStage("Inner"))
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.EndsWith("==> Inner… done in 1.0s\n\r\u001b[2K==> Up… 1s ⠋", _output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Lines_written_from_many_threads_stay_whole()
    {
        var progress = new ConsoleProgressReporter(_output, isTerminal: false, verbose: true, _time);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                progress.Verbose($"thread {t} line {i}");
            }
        })));

        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^thread \d line \d+$", l));
    }
}
