using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>
/// Applies a <see cref="ConfigurePlan"/> to a machine root: files through <see cref="MachineRoot"/> (which never
/// writes outside the root), programs through <see cref="IChroot"/>.
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
                await ApplyAsync(root, step, stage, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            stage.Fail();
            throw;
        }
    }

    private async Task ApplyAsync(MachineRoot root, RootStep step, IProgressStage stage, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case WriteFileStep write:
                await root.WriteFileAsync(write.GuestPath, write.Content, write.Mode, cancellationToken).ConfigureAwait(false);
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
            case RunInRootStep run:
                stage.Update(run.Command.Description ?? run.Command.FileName);
                var result = await host.Chroot.RunAsync(root.Path, run.Command, cancellationToken).ConfigureAwait(false);
                host.Progress.Verbose($"{run.Command.Description ?? run.Command.FileName}: {result.Duration.TotalSeconds:0.0} s");
                break;
            default:
                throw new InvalidOperationException($"No way to apply {step.GetType().Name}");
        }
    }
}
