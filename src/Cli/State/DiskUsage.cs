using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>What a folder in the data dir holds on the host.</summary>
/// <param name="Bytes">Every byte its files refer to.</param>
/// <param name="Exclusive">
/// The bytes only it holds: what deleting it would free. On btrfs, extents shared with a base, a snapshot or another
/// machine are not counted here (btrfs says which are shared); elsewhere nothing is shared and this equals <paramref name="Bytes"/>.
/// </param>
/// <param name="Method">How it was measured: "btrfs filesystem du" or "du".</param>
internal sealed record UsageFigures(long Bytes, long Exclusive, string Method);

/// <summary>Measures folders of the data dir: <c>btrfs filesystem du</c> on btrfs (shared extents counted once), <c>du</c> elsewhere.</summary>
internal static class DiskUsage
{
    /// <summary>
    /// Measures <paramref name="path"/> without following links or crossing into other filesystems: as guest root in
    /// <paramref name="userNamespace"/> for a tree of subordinate ids (an ordinary user cannot read it all), else as root.
    /// </summary>
    public static async Task<UsageFigures> MeasureAsync(string path, ICommandRunner runner, IUserNamespace? userNamespace, CancellationToken cancellationToken)
    {
        if (await Btrfs.IsFileSystemAsync(path, runner, cancellationToken).ConfigureAwait(false))
        {
            var result = await runner.RunAsync(
                Btrfs.AsOwner(new CommandSpec("btrfs", "filesystem", "du", "-s", "--raw", path) { Description = "measure " + path }, userNamespace),
                cancellationToken).ConfigureAwait(false);
            return ParseBtrfs(result.StandardOutput);
        }

        var du = await runner.RunAsync(
            Btrfs.AsOwner(new CommandSpec("du", "-s", "-B1", "--one-file-system", path) { Description = "measure " + path }, userNamespace),
            cancellationToken).ConfigureAwait(false);
        var bytes = long.Parse(du.StandardOutput.Split('\t', ' ')[0].Trim(), CultureInfo.InvariantCulture);
        return new UsageFigures(bytes, bytes, "du");
    }

    /// <summary>Reads the last line of <c>btrfs filesystem du -s --raw</c>: total, exclusive, set shared, name.</summary>
    internal static UsageFigures ParseBtrfs(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new UsageFigures(
            long.Parse(fields[0], CultureInfo.InvariantCulture),
            long.Parse(fields[1], CultureInfo.InvariantCulture),
            "btrfs filesystem du");
    }
}
