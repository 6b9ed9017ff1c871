namespace Diskless.Abstractions;

/// <summary>
/// The last lines of a program's output, kept for its error message (see <see cref="CommandFailedException.OutputTail"/>).
/// Thread-safe: standard output and standard error arrive on different threads.
/// </summary>
/// <param name="capacity">How many lines to keep; older ones are dropped.</param>
public sealed class OutputTail(int capacity)
{
    private readonly int _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "keeps at least one line");
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    /// <summary>Adds a line, dropping the oldest when full.</summary>
    public void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == _capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    /// <summary>The lines kept so far, oldest first.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }
}
