using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.Output;

/// <summary>
/// Progress on standard error, so <c>--json</c> output on standard output stays clean. On a terminal the running
/// stage is one live line (spinner, elapsed seconds, detail) redrawn every 250 ms; elsewhere every event is a plain
/// line with no escape codes, which reads well in CI logs. Thread-safe: command output arrives on pipe threads.
/// </summary>
public sealed class ConsoleProgressReporter : IProgressReporter, IDisposable
{
    private const string ClearLine = "\r\u001b[2K";
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(250);
    private static readonly string[] SpinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    private readonly TextWriter _output;
    private readonly bool _isTerminal;
    private readonly TimeProvider _time;
    private readonly Func<int> _width;
    private readonly Lock _gate = new();
    private readonly List<Stage> _stages = [];
    private ITimer? _timer;
    private int _frame;
    private bool _liveLineShown;

    /// <summary>Creates a reporter writing to <paramref name="output"/>; <paramref name="isTerminal"/> picks the live or the plain form.</summary>
    public ConsoleProgressReporter(TextWriter output, bool isTerminal, bool verbose, TimeProvider? time = null, Func<int>? terminalWidth = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _isTerminal = isTerminal;
        IsVerbose = verbose;
        _time = time ?? TimeProvider.System;
        _width = terminalWidth ?? ConsoleWidth;
    }

    /// <inheritdoc />
    public bool IsVerbose { get; }

    /// <summary>A reporter on the process's standard error, live when it is a terminal (and TERM is not "dumb").</summary>
    public static ConsoleProgressReporter ForStandardError(bool verbose)
    {
        var isTerminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
        return new ConsoleProgressReporter(Console.Error, isTerminal, verbose);
    }

    /// <inheritdoc />
    public IProgressStage BeginStage(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var stage = new Stage(this, WithEllipsis(title), _time.GetTimestamp());
        lock (_gate)
        {
            _stages.Add(stage);
            if (_isTerminal)
            {
                _timer ??= _time.CreateTimer(_ => Redraw(), null, RedrawInterval, RedrawInterval);
                DrawLiveLine();
            }
            else
            {
                WriteLine("==> " + stage.Title);
            }
        }

        return stage;
    }

    /// <inheritdoc />
    public void Info(string message) => Print(message);

    /// <inheritdoc />
    public void Warn(string message) => Print("warning: " + message);

    /// <inheritdoc />
    public void Verbose(string message)
    {
        if (IsVerbose)
        {
            Print(message);
        }
    }

    /// <summary>Stops redrawing; a stage still running is left as it was last drawn.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            if (_liveLineShown)
            {
                _output.Write('\n');
                _liveLineShown = false;
            }

            _output.Flush();
        }
    }

    /// <summary>Redraws the live line once (the timer's job; tests call it directly).</summary>
    internal void Redraw()
    {
        lock (_gate)
        {
            _frame++;
            DrawLiveLine();
        }
    }

    private void Print(string message)
    {
        lock (_gate)
        {
            HideLiveLine();
            WriteLine(message);
            DrawLiveLine();
        }
    }

    private void UpdateStage(Stage stage, string detail)
    {
        lock (_gate)
        {
            stage.Detail = detail;
            if (_isTerminal)
            {
                DrawLiveLine();
            }
            else if (IsVerbose)
            {
                // Plain logs get milestones only with --verbose: a per-package counter would flood them.
                WriteLine("    " + detail);
            }
        }
    }

    private void EndStage(Stage stage)
    {
        lock (_gate)
        {
            if (!_stages.Remove(stage))
            {
                return;
            }

            var seconds = _time.GetElapsedTime(stage.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            var outcome = stage.Failed ? $"failed after {seconds}s" : $"done in {seconds}s";
            if (_isTerminal)
            {
                HideLiveLine();
                WriteLine($"==> {stage.Title} {outcome}");
                if (_stages.Count == 0)
                {
                    _timer?.Dispose();
                    _timer = null;
                }

                DrawLiveLine();
            }
            else
            {
                WriteLine("    " + outcome);
            }
        }
    }

    private void DrawLiveLine()
    {
        if (!_isTerminal || _stages.Count == 0)
        {
            return;
        }

        var stage = _stages[^1];
        var elapsed = (int)_time.GetElapsedTime(stage.StartedAt).TotalSeconds;
        var text = $"==> {stage.Title} {elapsed.ToString(CultureInfo.InvariantCulture)}s {SpinnerFrames[_frame % SpinnerFrames.Length]}";
        if (stage.Detail is { Length: > 0 } detail)
        {
            text += "  " + detail;
        }

        // A line wider than the terminal wraps, and \r would then redraw only its last row.
        var width = Math.Max(20, _width() - 1);
        if (text.Length > width)
        {
            text = text[..(width - 1)] + "…";
        }

        _output.Write(ClearLine + text);
        _output.Flush();
        _liveLineShown = true;
    }

    private void HideLiveLine()
    {
        if (_liveLineShown)
        {
            _output.Write(ClearLine);
            _liveLineShown = false;
        }
    }

    private void WriteLine(string text)
    {
        _output.Write(text + "\n");
        _output.Flush();
    }

    private static string WithEllipsis(string title) =>
        title.EndsWith('…') || title.EndsWith("...", StringComparison.Ordinal) ? title : title + "…";

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private sealed class Stage(ConsoleProgressReporter owner, string title, long startedAt) : IProgressStage
    {
        public string Title { get; } = title;

        public long StartedAt { get; } = startedAt;

        public string? Detail { get; set; }

        public bool Failed { get; private set; }

        public void Update(string detail) => owner.UpdateStage(this, detail);

        public void Fail() => Failed = true;

        public void Dispose() => owner.EndStage(this);
    }
}
