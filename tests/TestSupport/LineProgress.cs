using System.Diagnostics;
using Diskless.Abstractions;

namespace Diskless.Testing;

/// <summary>Progress written line by line (to a test's output) with elapsed times; stage details are kept quiet (debootstrap sends hundreds).</summary>
public sealed class LineProgress(Action<string> writeLine) : IProgressReporter
{
    public bool IsVerbose => false;

    public IProgressStage BeginStage(string title)
    {
        Write("stage: " + title);
        return new Stage(this, title);
    }

    public void Info(string message) => Write("info: " + message);

    public void Warn(string message) => Write("warn: " + message);

    public void Verbose(string message)
    {
    }

    private void Write(string line)
    {
        try
        {
            writeLine(line);
        }
        catch (InvalidOperationException)
        {
            // A test's output after the test ended (a late pipe line) has nowhere to go.
        }
    }

    private sealed class Stage(LineProgress owner, string title) : IProgressStage
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private bool _failed;

        public void Update(string detail)
        {
        }

        public void Fail() => _failed = true;

        public void Dispose() => owner.Write($"{(_failed ? "failed" : "done")}: {title} ({_clock.Elapsed.TotalSeconds:0.0} s)");
    }
}
