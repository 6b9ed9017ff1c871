namespace Diskless.Cli.Agent;

/// <summary>
/// Where an agent tells the person who ran <c>up</c> what it did (a port forwarded, moved to the next free host port,
/// removed): the terminal <see cref="AgentTerminal"/> gave it, one plain line each, for as long as that terminal takes
/// them. A write that fails (the terminal closed) ends the notices; the log keeps every line regardless.
/// </summary>
public sealed class AgentNotices(TextWriter? terminal, string machineName) : IDisposable
{
    private readonly object _gate = new();
    private TextWriter? _terminal = terminal;

    /// <summary>Notices that go nowhere (no terminal).</summary>
    public static AgentNotices None { get; } = new(null, "");

    /// <summary>Tells the terminal <paramref name="line"/>, prefixed by the machine's name; does nothing once it is gone.</summary>
    public void Say(string line)
    {
        lock (_gate)
        {
            if (_terminal is null)
            {
                return;
            }

            try
            {
                // \r too: the terminal may be in raw mode (an editor) when the line comes.
                _terminal.Write($"diskless ({machineName}): {line}\r\n");
            }
            catch (IOException)
            {
                _terminal.Dispose();
                _terminal = null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _terminal?.Dispose();
            _terminal = null;
        }
    }
}
