namespace Diskless.Abstractions;

/// <summary>Waiting on an <see cref="IProcessTable"/>, written once for every table, real or pretend.</summary>
public static class ProcessTableExtensions
{
    /// <summary>How often <see cref="WaitForExitAsync(IProcessTable, int, TimeSpan, CancellationToken)"/> looks.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="pid"/> has exited (or is a zombie); false when it still runs after <paramref name="timeout"/>.</summary>
    public static Task<bool> WaitForExitAsync(this IProcessTable table, int pid, TimeSpan timeout, CancellationToken cancellationToken) =>
        table.WaitForExitAsync(pid, timeout, DefaultPollInterval, cancellationToken);

    /// <summary>
    /// Waits until <paramref name="pid"/> has exited (or is a zombie), looking every <paramref name="pollInterval"/>;
    /// false when it still runs after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<bool> WaitForExitAsync(this IProcessTable table, int pid, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);

        // Polling: a pid we did not start (recorded by an earlier command) cannot be waited on any other way.
        var deadline = DateTime.UtcNow + timeout;
        while (table.IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
