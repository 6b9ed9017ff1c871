using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Applies a <see cref="ConfigurePlan"/> to a machine root: files through <see cref="MachineRoot"/> (which never
/// writes outside the root nor through a link), programs through <see cref="IChroot"/> — and those only while the
/// guest has never run.
/// </summary>
internal sealed class ConfigureExecutor(IHostServices host)
{
    public async Task ApplyAsync(MachineRoot root, ConfigurePlan plan, CancellationToken cancellationToken)
    {
        foreach (var warning in plan.Warnings)
        {
            host.Progress.Warn(warning);
        }

        using var stage = host.Progress.BeginStage("Configuring the machine root");
        try
        {
            foreach (var step in plan.Steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                host.Progress.Verbose(step.Describe());
                await ApplyAsync(root, plan, step, stage, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            stage.Fail();
            throw;
        }
    }

    private async Task ApplyAsync(MachineRoot root, ConfigurePlan plan, RootStep step, IProgressStage stage, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case WriteFileStep { Owner: { } owner } write:
                // The file itself is replaced, never followed; a link among its folders is refused, not resolved.
                root.ResolveWithoutLinks(Parent(write.GuestPath));
                await root.WriteFileAsync(write.GuestPath, write.Content, write.Mode, cancellationToken).ConfigureAwait(false);
                root.SetOwner(write.GuestPath, owner.Uid, owner.Gid);
                break;
            case WriteFileStep write:
                await root.WriteFileAsync(write.GuestPath, write.Content, write.Mode, cancellationToken).ConfigureAwait(false);
                break;
            case CreateDirectoryStep { Owner: { } owner } directory:
                var ownedPath = root.ResolveWithoutLinks(directory.GuestPath);
                Directory.CreateDirectory(ownedPath, directory.Mode);
                File.SetUnixFileMode(ownedPath, directory.Mode);
                root.SetOwner(directory.GuestPath, owner.Uid, owner.Gid);
                break;
            case CopyFileStep copy:
                await root.CopyFileAsync(copy.HostSource, copy.GuestPath, copy.Mode, cancellationToken).ConfigureAwait(false);
                break;
            case CreateDirectoryStep directory:
                // CreateDirectory leaves the mode of an existing folder alone; ~/.ssh must not stay group-writable.
                File.SetUnixFileMode(root.CreateDirectory(directory.GuestPath, directory.Mode), directory.Mode);
                break;
            case SymlinkStep link:
                // A regular file there (an admin's unit file) is replaced as well as a link.
                root.DeleteFile(link.GuestPath);
                root.CreateSymlink(link.GuestPath, link.Target);
                break;
            case DeleteFileStep delete:
                root.DeleteFile(delete.GuestPath);
                break;
            case RunInRootStep when plan.GuestHasRun:
                // The planner never makes one; this is the last line of the rule, not the rule.
                throw new InvalidOperationException($"Refusing to run a program of a root the guest has run: {step.Describe()}");
            case RunInRootStep run:
                stage.Update(run.Command.Description ?? run.Command.FileName);
                var result = await host.Chroot.RunAsync(root.Path, run.Command, cancellationToken).ConfigureAwait(false);
                host.Progress.Verbose($"{run.Command.Description ?? run.Command.FileName}: {result.Duration.TotalSeconds:0.0} s");
                break;
            default:
                throw new InvalidOperationException($"No way to apply {step.GetType().Name}");
        }
    }

    private static string Parent(string guestPath)
    {
        var slash = guestPath.LastIndexOf('/');
        return slash <= 0 ? "/" : guestPath[..slash];
    }
}
