using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.Templates;

namespace Diskless.Testing;

/// <summary>
/// Host services over the real command runner, chroot and process table, for tests (and test fixture programs) that
/// run real QEMU and virtiofsd, and configure real roots.
/// </summary>
public sealed class RealHost : IHostServices
{
    /// <summary>A host whose data dir (where unpacked kernels are cached) is <paramref name="dataDirectory"/>.</summary>
    public RealHost(string dataDirectory)
    {
        Paths = new HostPaths(dataDirectory);
        Commands = new CliWrapCommandRunner(RecordedProgress);
    }

    public RecordingProgress RecordedProgress { get; } = new();

    public ICommandRunner Commands { get; set; }

    public IProcessTable Processes { get; } = new ProcProcessTable();

    /// <summary>The real chroot, for configuring a host-owned root.</summary>
    public IChroot Chroot => new Chroot(Commands);

    /// <summary>The machine's user namespace (a real NamespaceHolder); null for host-owned roots.</summary>
    public IUserNamespace? Namespace { get; set; }

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates { get; } = new ScribanTemplates();

    public IProgressReporter Progress => RecordedProgress;

    public HostPaths Paths { get; }

    public string? FindExecutable(string name, params string[] extraDirectories) => ExecutableFinder.Find(name, extraDirectories);
}
