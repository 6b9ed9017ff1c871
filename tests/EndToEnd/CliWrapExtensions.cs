using CliWrap;
using CliWrap.Buffered;

namespace Diskless.EndToEnd;

internal static class CliWrapExtensions
{
    /// <summary>Runs with a two-minute limit: every process a test starts has a timeout.</summary>
    public static async Task<BufferedCommandResult> RunWithTimeoutAsync(this Command command)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await command.ExecuteBufferedAsync(cts.Token);
    }
}
