using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;

namespace Diskless.Cli.Plugins;

/// <summary>What the host lends plugins: the one command runner, the process table, the one chroot helper, templates, progress, paths.</summary>
internal sealed class HostServices : IHostServices
{
    // The program's come from Composition.DisklessServices; the defaults serve tests that build a host directly.
    public HostServices(IProgressReporter progress, ITemplates templates, HostPaths? paths = null, ICommandRunner? commands = null, IProcessTable? processes = null)
    {
        Progress = progress;
        Templates = templates;
        Commands = commands ?? new CliWrapCommandRunner(progress);
        Chroot = new Chroot(Commands);
        Paths = paths ?? DataDirectory.Resolve();
        Processes = processes ?? new ProcProcessTable();
    }

    public ICommandRunner Commands { get; }

    public IProcessTable Processes { get; }

    public IChroot Chroot { get; }

    public IUserNamespace? Namespace => null;

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates { get; }

    public IProgressReporter Progress { get; }

    public HostPaths Paths { get; }

    public string? FindExecutable(string name, params string[] extraDirectories) => ExecutableFinder.Find(name, extraDirectories);
}
