using Diskless.Abstractions;
using Diskless.PluginSupport.Progress;

namespace Diskless.Plugins.Arch.Base;

/// <summary>
/// Builds an Arch base with pacstrap into the host's empty temp folder and writes nothing outside it; on failure the
/// host deletes it. In the machine's user namespace every step runs as guest root (pacstrap -N); for a host-owned
/// root as host root. The steps: the base's own keyring (with Arch's signing keys unless signatures are off), pacstrap
/// with our pacman.conf (removed afterwards), the package cache emptied; gpg's agent for the keyring is stopped whatever happened.
/// </summary>
internal sealed class BaseBuilder(IHostServices host)
{
    public async Task BuildAsync(BaseSpec spec, string targetDirectory, CancellationToken cancellationToken)
    {
        var inNamespace = host.Namespace is not null;
        var stageTitle = $"Building the Arch base ({spec.Release}) with pacstrap";
        using var stage = host.Progress.BeginStage(stageTitle);
        var progress = new StageDetail(stage, PacstrapProgress.Describe);
        try
        {
            stage.Update("initialising the keyring");
            await RunAsync(BaseCommands.InitKeyring(targetDirectory, inNamespace), cancellationToken).ConfigureAwait(false);
            if (BasePlanner.CheckSignatures(spec))
            {
                stage.Update("importing Arch's signing keys");
                await RunAsync(BaseCommands.PopulateKeyring(targetDirectory, inNamespace), cancellationToken).ConfigureAwait(false);
            }

            var conf = PacmanConf.ForBuild(host.Templates, spec, BaseCommands.KeyringDirectory(targetDirectory));
            await RunAsync(BaseCommands.WriteBuildConf(targetDirectory, conf, inNamespace), cancellationToken).ConfigureAwait(false);
            await RunAsync(BaseCommands.Pacstrap(spec, targetDirectory, inNamespace, progress.Observe), cancellationToken).ConfigureAwait(false);
            stage.Update("cleaning the package cache");
            await RunAsync(BaseCommands.RemoveBuildConf(targetDirectory, inNamespace), cancellationToken).ConfigureAwait(false);
            await RunAsync(BaseCommands.CleanPackageCache(targetDirectory, inNamespace), cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            stage.Fail();
            throw Explain(e, spec);
        }
        catch
        {
            stage.Fail();
            throw;
        }
        finally
        {
            // Also after a failure or Ctrl-C: an agent left running would be an orphan holding the folder the host deletes.
            await RunAsync(BaseCommands.StopKeyringAgent(targetDirectory, inNamespace), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken) =>
        host.Commands.RunAsync(host.Namespace is { } userNamespace ? userNamespace.Enter(command) : command, cancellationToken);

    private static CommandFailedException Explain(CommandFailedException e, BaseSpec spec)
    {
        var hint = e.Hint ?? PacstrapProgress.Hint(e.OutputTail)
            ?? $"Check that {spec.Mirror} is reachable and serves the repositories {string.Join(", ", BasePlanner.Repositories(spec))} and every package named in [distro] packages; `diskless up --verbose` shows pacstrap's output.";
        return new CommandFailedException(e.Command, e.CommandExitCode, e.OutputTail, hint);
    }
}
