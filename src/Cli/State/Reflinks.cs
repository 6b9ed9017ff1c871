using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// Whether a folder's filesystem shares blocks between copies (btrfs, XFS with reflink=1, bcachefs): asked by
/// copying a small probe file with <c>cp --reflink=always</c>, which fails where clones are not supported.
/// </summary>
internal static class Reflinks
{
    /// <summary>True when files copied within <paramref name="folder"/> (which this process may write) can share their blocks.</summary>
    public static async Task<bool> SupportedAsync(string folder, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var probe = Path.Combine(folder, ".reflink-probe-" + Guid.NewGuid().ToString("n")[..8]);
        var copy = probe + ".copy";
        try
        {
            await File.WriteAllBytesAsync(probe, new byte[4096], cancellationToken).ConfigureAwait(false);
            var result = await runner.RunAsync(
                new CommandSpec("cp", "--reflink=always", "--", probe, copy) { Description = "does the data dir's filesystem share blocks between copies", SuccessExitCodes = [0, 1] },
                cancellationToken).ConfigureAwait(false);
            return result.ExitCode == 0;
        }
        finally
        {
            File.Delete(probe);
            File.Delete(copy);
        }
    }
}
