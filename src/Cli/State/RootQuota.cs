using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.State;

/// <summary>
/// A machine's <c>size</c>: a btrfs qgroup limit on its root's subvolume, quotas enabled on the filesystem the first
/// time one is needed. Quotas exist only on btrfs, and only root may enable or set them (CAP_SYS_ADMIN in the host's
/// namespace: a user namespace does not do), so elsewhere <c>size</c> is refused before anything is built.
/// </summary>
internal static class RootQuota
{
    /// <summary>Refuses, with the reason and its fix, a limit that cannot be set on <paramref name="machinesDirectory"/>.</summary>
    public static async Task EnsurePossibleAsync(string machinesDirectory, long bytes, ICommandRunner runner, bool callerIsRoot, CancellationToken cancellationToken)
    {
        var size = new MemorySize(bytes);
        var type = await Btrfs.FileSystemTypeAsync(machinesDirectory, runner, cancellationToken).ConfigureAwait(false);
        if (type != "btrfs")
        {
            throw new DisklessException(
                $"size = \"{size}\" needs the data dir on btrfs, whose quotas enforce it; {machinesDirectory} is on {type}",
                "put the data dir on a btrfs filesystem (DISKLESS_HOME=/path/on/btrfs), or remove `size` from the Disklessfile",
                ExitCodes.NotAvailable);
        }

        if (!callerIsRoot)
        {
            throw new DisklessException(
                $"size = \"{size}\" needs a btrfs quota, and only root may enable quotas or set a limit (a user namespace does not give that right)",
                "remove `size` from the Disklessfile, or run diskless as root",
                ExitCodes.NotAvailable);
        }
    }

    /// <summary>Limits the subvolume <paramref name="root"/> to <paramref name="bytes"/>, enabling quotas on its filesystem first when they are off.</summary>
    public static async Task LimitAsync(string root, long bytes, ICommandRunner runner, IProgressReporter progress, CancellationToken cancellationToken)
    {
        var show = await runner.RunAsync(
            new CommandSpec("btrfs", "qgroup", "show", root) { Description = "are btrfs quotas on", RequiresRoot = true, SuccessExitCodes = [0, 1] },
            cancellationToken).ConfigureAwait(false);
        if (show.ExitCode != 0)
        {
            using var stage = progress.BeginStage("Enabling btrfs quotas on the data dir's filesystem (once)");
            await runner.RunAsync(new CommandSpec("btrfs", "quota", "enable", root) { Description = "enable btrfs quotas", RequiresRoot = true }, cancellationToken).ConfigureAwait(false);
        }

        await runner.RunAsync(
            new CommandSpec("btrfs", "qgroup", "limit", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), root)
            {
                Description = $"limit {root} to {new MemorySize(bytes)}",
                RequiresRoot = true,
            },
            cancellationToken).ConfigureAwait(false);
    }
}
