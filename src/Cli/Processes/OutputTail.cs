namespace Diskless.Cli.Processes;

/// <summary>The last lines of a command's combined output, kept for its error message. Thread-safe.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new(capacity);
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }
}
