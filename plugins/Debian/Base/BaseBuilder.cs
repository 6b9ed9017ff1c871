using Diskless.Abstractions;
using Diskless.PluginSupport.Progress;

namespace Diskless.Plugins.Debian.Base;

/// <summary>
/// Runs the base build into the host's empty temp folder and writes nothing outside it; on failure the host deletes
/// it. A host-owned root (no user namespace) is built with debootstrap as host root, then apt-get clean inside it.
/// A root that belongs to the machine's subordinate ids is built with mmdebstrap entered into the machine's user
/// namespace as guest root: no host root, no sudo, whoever runs diskless.
/// </summary>
internal sealed class BaseBuilder(IHostServices host)
{
    private const int LogTailLines = 15;

    public async Task BuildAsync(BaseSpec spec, string targetDirectory, CancellationToken cancellationToken)
    {
        if (host.Namespace is { } userNamespace)
        {
            await BuildInNamespaceAsync(spec, targetDirectory, userNamespace, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (var stage = host.Progress.BeginStage($"Building the Debian {spec.Release} base with debootstrap"))
        {
            var progress = new StageDetail(stage, DebootstrapProgress.Describe);
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
    /// No apt-get clean afterwards: mmdebstrap's own cleanup step already removes the downloaded .deb files and the
    /// package lists (man mmdebstrap, "cleanup"), and no program of the new tree has to run for it.
    /// </summary>
    private async Task BuildInNamespaceAsync(BaseSpec spec, string targetDirectory, IUserNamespace userNamespace, CancellationToken cancellationToken)
    {
        using var stage = host.Progress.BeginStage($"Building the Debian {spec.Release} base with mmdebstrap");
        var progress = new StageDetail(stage, MmdebstrapProgress.Describe);
        // The user's package cache (prepared by the host): nothing it holds is downloaded again.
        var mmdebstrap = BaseCommands.Mmdebstrap(spec, Path.GetFullPath(targetDirectory), progress.Observe, PackageCache(spec));
        try
        {
            await host.Commands.RunAsync(userNamespace.Enter(mmdebstrap), cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            stage.Fail();
            throw ExplainMmdebstrap(e, spec);
        }
        catch
        {
            stage.Fail();
            throw;
        }
    }

    /// <summary>Whether a base can be derived here: only a root in a user namespace, whose build tools run as guest root.</summary>
    public bool CanDerive => host.Namespace is not null;

    /// <summary>
    /// Installs the packages of <paramref name="spec"/> that <paramref name="parent"/> lacks into
    /// <paramref name="targetDirectory"/>, a clone of the parent's base, in two steps. First the host's apt-get, as guest
    /// root, reads the tree's own sources and keys, fetches the indexes into the tree and downloads what is missing
    /// into the user's package cache (a file already there is not downloaded again); it runs no program of the tree.
    /// Then the tree's own apt-get installs them in the sandbox, without network, the cache shown read-only as its
    /// archive, so the tree never holds a copy. The fetched indexes are removed again, as mmdebstrap removes them.
    /// </summary>
    public async Task DeriveAsync(BaseSpec parent, BaseSpec spec, string targetDirectory, CancellationToken cancellationToken)
    {
        var userNamespace = host.Namespace ?? throw new InvalidOperationException("a base is derived only in a user namespace (CanDerive)");
        var target = Path.GetFullPath(targetDirectory);
        var cache = PackageCache(spec);
        var extra = spec.Packages.Except(parent.Packages, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var aptConfig = Path.Combine(host.Paths.TempDirectory, Path.GetFileName(target) + ".apt.conf");
        using var stage = host.Progress.BeginStage($"Deriving the Debian {spec.Release} base: adding {string.Join(", ", extra)}");
        var progress = new StageDetail(stage, MmdebstrapProgress.Describe);
        try
        {
            // Host-written, read by guest root: world-readable like any apt.conf.
            File.WriteAllText(aptConfig, BaseCommands.AptConfiguration(spec, target, cache));
            File.SetUnixFileMode(aptConfig, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await host.Commands.RunAsync(userNamespace.Enter(BaseCommands.HostApt(aptConfig, ["update"], "reading the package lists", progress.Observe)), cancellationToken).ConfigureAwait(false);
            await host.Commands.RunAsync(
                userNamespace.Enter(BaseCommands.HostApt(aptConfig, ["-y", "--download-only", "install", .. extra], "downloading the extra packages", progress.Observe)),
                cancellationToken).ConfigureAwait(false);
            await host.Commands.RunAsync(
                userNamespace.Enter(SandboxCommand.Build(target, BaseCommands.InstallFromArchive(extra, progress.Observe), [new SandboxBind(cache, BaseCommands.ArchivesInRoot)])),
                cancellationToken).ConfigureAwait(false);
            await host.Commands.RunAsync(userNamespace.Enter(SandboxCommand.Build(target, BaseCommands.RemoveIndexes())), cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            stage.Fail();
            var hint = e.Hint ?? $"Check that {spec.Mirror} is reachable and has every package named in [distro] packages ({string.Join(", ", extra)}); `diskless up --verbose` shows apt's output.";
            throw new CommandFailedException(e.Command, e.CommandExitCode, e.OutputTail, hint);
        }
        catch
        {
            stage.Fail();
            throw;
        }
        finally
        {
            File.Delete(aptConfig);
        }
    }

    private string PackageCache(BaseSpec spec) => host.Paths.PackageCacheFor(spec.Distro);

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

    /// <summary>
    /// mmdebstrap keeps no log in the target: its output tail is the whole story, and its "E:" line names the cause.
    /// </summary>
    private static CommandFailedException ExplainMmdebstrap(CommandFailedException e, BaseSpec spec)
    {
        var hint = e.Hint ?? MmdebstrapProgress.Hint(e.OutputTail)
            ?? $"Check that {spec.Mirror} is reachable and has release '{spec.Release}' and every package named in [distro] packages; `diskless up --verbose` shows mmdebstrap's output.";
        return new CommandFailedException(e.Command, e.CommandExitCode, e.OutputTail, hint);
    }
}
