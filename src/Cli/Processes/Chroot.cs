using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Diskless.Abstractions;

namespace Diskless.Cli.Processes;

/// <summary>
/// The one chroot helper: mounts proc, and /sys and /dev as recursive slave binds, runs the command with chroot(1),
/// and unmounts in every path — then checks the kernel's mount table so a leftover mount is an error, not a surprise.
/// </summary>
public sealed class Chroot(ICommandRunner runner) : IChroot
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly TimeSpan UnmountTimeout = TimeSpan.FromSeconds(30);

    // Two chroots into one root at once would stack mounts and unmount each other's: one at a time per root.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(string rootDirectory, CommandSpec command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var root = ProgramRoot.Validate(rootDirectory, "chroot into");
        var gate = Gates.GetOrAdd(root, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunMountedAsync(root, command, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CommandResult> RunMountedAsync(string root, CommandSpec command, CancellationToken cancellationToken)
    {
        var mounted = new List<ChrootMount>();
        CommandResult? result = null;
        ExceptionDispatchInfo? failure = null;
        try
        {
            foreach (var mount in ChrootMount.For(root))
            {
                PrepareMountPoint(root, mount.Target);

                // Recorded before mounting: a bind that succeeded but whose --make-rslave failed must still be undone.
                mounted.Add(mount);
                foreach (var step in mount.MountCommands())
                {
                    await runner.RunAsync(step, cancellationToken).ConfigureAwait(false);
                }
            }

            result = await runner.RunAsync(InsideRoot(root, command), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = ExceptionDispatchInfo.Capture(e);
        }

        var leftovers = await UnmountAsync(mounted).ConfigureAwait(false);
        if (leftovers.Count > 0)
        {
            throw new DisklessException(
                $"could not unmount {string.Join(", ", leftovers)} after running {command.FileName} in {root}",
                $"find what holds them with `fuser -vm {leftovers[0]}`, then `umount -R {leftovers[0]}`",
                ExitCodes.Failure,
                failure?.SourceException);
        }

        failure?.Throw();
        return result!;
    }

    private async Task<IReadOnlyList<string>> UnmountAsync(List<ChrootMount> mounted)
    {
        // Never the caller's token: a Ctrl-C must not leave the host's /dev bound inside a root folder.
        using var timeout = new CancellationTokenSource(UnmountTimeout);
        foreach (var mount in Enumerable.Reverse(mounted))
        {
            if (MountTable.Under(mount.Target).Count == 0)
            {
                continue;
            }

            foreach (var step in mount.UnmountCommands(lazy: false))
            {
                await TryRunAsync(step, timeout.Token).ConfigureAwait(false);
            }

            if (MountTable.Under(mount.Target).Count > 0)
            {
                foreach (var step in mount.UnmountCommands(lazy: true))
                {
                    await TryRunAsync(step, timeout.Token).ConfigureAwait(false);
                }
            }
        }

        return [.. mounted.SelectMany(m => MountTable.Under(m.Target)).Select(m => m.MountPoint).Distinct()];
    }

    private async Task TryRunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DisklessException or OperationCanceledException)
        {
            // The mount table check that follows decides whether this mattered.
        }
    }

    private static CommandSpec InsideRoot(string root, CommandSpec command)
    {
        var environment = new Dictionary<string, string?>(command.Environment, StringComparer.Ordinal);
        environment.TryAdd("PATH", DefaultPath);
        return command with
        {
            FileName = "chroot",
            Arguments = [root, command.FileName, .. command.Arguments],
            Description = command.Description ?? $"{Path.GetFileName(command.FileName)} in the chroot",
            Environment = environment,
            RequiresRoot = true,
            WorkingDirectory = null,
        };
    }

    private static void PrepareMountPoint(string root, string target)
    {
        // A link here (say dev -> /dev) would make mount follow it out of the root and onto a host folder.
        var info = new DirectoryInfo(target);
        if (info.LinkTarget is not null)
        {
            throw new DisklessException($"refusing to mount over {target}: it is a symbolic link to {info.LinkTarget}, not a folder of {root}");
        }

        if (!info.Exists)
        {
            Directory.CreateDirectory(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }
}
