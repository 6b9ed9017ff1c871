using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;

namespace Diskless.Cli.Plugins;

/// <summary>What the host lends plugins: the one command runner, the process table, the one chroot helper, templates, progress, paths.</summary>
internal sealed class HostServices : IHostServices
{
    public HostServices(IProgressReporter progress, ITemplates templates, HostPaths? paths = null)
    {
        Progress = progress;
        Templates = templates;
        Commands = new CliWrapCommandRunner(progress);
        Chroot = new Chroot(Commands);
        Paths = paths ?? DataDirectory.Resolve();
    }

    public ICommandRunner Commands { get; }

    public IProcessTable Processes { get; } = new ProcProcessTable();

    public IChroot Chroot { get; }

    public IUserNamespace? Namespace => null;

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates { get; }

    public IProgressReporter Progress { get; }

    public HostPaths Paths { get; }

    public string? FindExecutable(string name, params string[] extraDirectories) => ExecutableFinder.Find(name, extraDirectories);
}
