using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// Makes a machine's root filesystem from a base: a btrfs snapshot when the base is a subvolume (instant, shares
/// blocks), else a copy that reflinks where the filesystem can. A failed or cancelled clone leaves nothing behind.
/// </summary>
public static class RootCloner
{
    /// <summary>The method name returned for a btrfs snapshot.</summary>
    public const string Snapshot = "btrfs snapshot";

    /// <summary>The method name returned for a copy.</summary>
    public const string Copy = "copy";

    private const UnixFileMode RootMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Clones <paramref name="source"/> into <paramref name="destination"/>, which must not exist; returns the method used.</summary>
    public static async Task<string> CloneAsync(
        string source, string destination, ICommandRunner runner, IProgressReporter progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(progress);
        source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source));
        destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        if (!Directory.Exists(source))
        {
            throw new DisklessException($"cannot clone {source}: the folder does not exist");
        }

        if (Directory.Exists(destination) || File.Exists(destination))
        {
            throw new DisklessException($"cannot clone into {destination}: it already exists", $"remove it first: rm -rf {destination}");
        }

        var parent = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(parent);
        if (await Btrfs.IsSubvolumeAsync(source, runner, cancellationToken).ConfigureAwait(false)
            && await Btrfs.IsFileSystemAsync(parent, runner, cancellationToken).ConfigureAwait(false)
            && await TrySnapshotAsync(source, destination, parent, runner, progress, cancellationToken).ConfigureAwait(false))
        {
            return Snapshot;
        }

        await CopyAsync(source, destination, parent, runner, progress, cancellationToken).ConfigureAwait(false);
        return Copy;
    }

    private static async Task<bool> TrySnapshotAsync(
        string source, string destination, string parent, ICommandRunner runner, IProgressReporter progress, CancellationToken cancellationToken)
    {
        using var stage = progress.BeginStage("Cloning root filesystem (btrfs snapshot)");
        try
        {
            await runner.RunAsync(
                new CommandSpec("btrfs", "subvolume", "snapshot", source, destination) { RequiresRoot = true, Description = "btrfs snapshot" },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CommandFailedException e)
        {
            // Two btrfs filesystems, for instance: a copy still works.
            stage.Fail();
            progress.Warn($"btrfs snapshot failed ({e.OutputTail.LastOrDefault() ?? e.Message}); copying instead");
            await RemovePartialAsync(destination, parent, runner).ConfigureAwait(false);
            return false;
        }
        catch
        {
            stage.Fail();
            await RemovePartialAsync(destination, parent, runner).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task CopyAsync(
        string source, string destination, string parent, ICommandRunner runner, IProgressReporter progress, CancellationToken cancellationToken)
    {
        using var stage = progress.BeginStage("Cloning root filesystem (copy)");
        try
        {
            // Guests are served this folder as "/": it must be 0755 even before cp sets it from the source.
            Directory.CreateDirectory(destination, RootMode);
            await runner.RunAsync(
                new CommandSpec("cp", "-a", "--reflink=auto", "--one-file-system", source + "/.", destination)
                {
                    RequiresRoot = true,
                    Description = "copy of the base root filesystem",
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stage.Fail();
            await RemovePartialAsync(destination, parent, runner).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task RemovePartialAsync(string destination, string parent, ICommandRunner runner)
    {
        // Not the caller's token: after a Ctrl-C the half copy must still go.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await FolderRemover.RemoveAsync(destination, parent, runner, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DisklessException or OperationCanceledException)
        {
            // The original failure matters more; a leftover half copy is reported by the next attempt ("already exists").
        }
    }
}
