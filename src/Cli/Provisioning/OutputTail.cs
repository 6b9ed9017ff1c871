namespace Diskless.Cli.Provisioning;

/// <summary>Keeps the last lines of a provisioner's output for its error message.</summary>
internal sealed class OutputTail(int capacity = 20)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }
}
