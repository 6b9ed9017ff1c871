namespace Diskless.Cli.Agent;

/// <summary>
/// Where an agent tells the person who ran <c>up</c> what it did (a port forwarded, moved to the next free host port,
/// removed): the terminal <see cref="AgentTerminal"/> gave it, one plain line each, for as long as that terminal takes
/// them. The terminal is opened for each line and closed after it, never held: a program that waits for the end of
/// a terminal's output (<c>script</c>, <c>expect</c>) is not kept waiting by the agent. A line that cannot be written
/// (the terminal closed, or its device now belongs to someone else) ends the notices; the log keeps every line.
/// </summary>
/// <param name="open">Opens the terminal for one line; null when it is gone (<see cref="AgentTerminal.Opener"/>).</param>
/// <param name="machineName">The machine the lines are about.</param>
public sealed class AgentNotices(Func<TextWriter?>? open, string machineName)
{
    private readonly object _gate = new();
    private Func<TextWriter?>? _open = open;

    /// <summary>Notices that go nowhere (no terminal).</summary>
    public static AgentNotices None { get; } = new(null, "");

    /// <summary>Tells the terminal <paramref name="line"/>, prefixed by the machine's name; does nothing once it is gone.</summary>
    public void Say(string line)
    {
        lock (_gate)
        {
            if (_open is null)
            {
                return;
            }

            try
            {
                using var terminal = _open() ?? throw new IOException("the terminal is gone");
                // \r too: the terminal may be in raw mode (an editor) when the line comes.
                terminal.Write($"diskless ({machineName}): {line}\r\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _open = null;
            }
        }
    }
}
