using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Base;

/// <summary>
/// Runs the base build: debootstrap into the host's empty temp folder, then apt-get clean inside it. Writes nothing
/// outside that folder; on failure the host deletes it.
/// </summary>
internal sealed class BaseBuilder(IHostServices host)
{
    private const int LogTailLines = 15;

    public async Task BuildAsync(BaseSpec spec, string targetDirectory, CancellationToken cancellationToken)
    {
        using (var stage = host.Progress.BeginStage($"Building the Debian {spec.Release} base with debootstrap"))
        {
            var progress = new StageDetail(stage);
            try
            {
                await host.Commands.RunAsync(BaseCommands.Debootstrap(spec, targetDirectory, progress.Observe), cancellationToken).ConfigureAwait(false);
            }
            catch (CommandFailedException e)
            {
                stage.Fail();
                throw Explain(e, spec, targetDirectory);
            }
            catch
            {
                stage.Fail();
                throw;
            }
        }

        using (var stage = host.Progress.BeginStage("Cleaning the package cache of the base"))
        {
            try
            {
                await host.Chroot.RunAsync(targetDirectory, BaseCommands.AptClean(), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                stage.Fail();
                throw;
            }
        }
    }

    /// <summary>
    /// debootstrap's own log explains most failures (a package that would not configure) but lives in the target,
    /// which the host deletes: keep its last lines in the error.
    /// </summary>
    private static CommandFailedException Explain(CommandFailedException e, BaseSpec spec, string targetDirectory)
    {
        var log = new MachineRoot(targetDirectory).Resolve("/debootstrap/debootstrap.log");
        IReadOnlyList<string> tail = e.OutputTail;
        if (File.Exists(log))
        {
            tail = [.. e.OutputTail, "--- debootstrap/debootstrap.log ---", .. File.ReadLines(log).TakeLast(LogTailLines)];
        }

        var hint = e.Hint ?? $"Check that {spec.Mirror} is reachable and has release '{spec.Release}' and every package named in [distro] packages; `diskless up --verbose` shows debootstrap's output.";
        return new CommandFailedException(e.Command, e.CommandExitCode, tail, hint);
    }

    /// <summary>Forwards debootstrap's phase changes to the stage; output lines may arrive from two threads.</summary>
    private sealed class StageDetail(IProgressStage stage)
    {
        private readonly Lock _gate = new();
        private string? _last;

        public void Observe(string line)
        {
            var detail = DebootstrapProgress.Describe(line);
            lock (_gate)
            {
                if (detail is null || detail == _last)
                {
                    return;
                }

                _last = detail;
                stage.Update(detail);
            }
        }
    }
}
