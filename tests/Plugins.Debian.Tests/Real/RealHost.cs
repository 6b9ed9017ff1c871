using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Plugins.Debian.Tests.Support;
using Diskless.Testing;
using Xunit.Abstractions;

namespace Diskless.Plugins.Debian.Tests.Real;

/// <summary>Host services made of the real parts: the CliWrap runner, the mounting chroot, the host's templates.</summary>
internal sealed class RealHost : IHostServices
{
    public RealHost(ITestOutputHelper output, string dataDirectory)
    {
        Progress = new LineProgress(output.WriteLine);
        Commands = new CliWrapCommandRunner(Progress);
        TimedChroot = new TimingChroot(new Chroot(Commands));
        Paths = new HostPaths(dataDirectory);
    }

    public ICommandRunner Commands { get; }

    public IProcessTable Processes { get; } = new ProcProcessTable();

    public TimingChroot TimedChroot { get; }

    public IChroot Chroot => TimedChroot;

    public IUserNamespace? Namespace => null;

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates => TestHost.RealTemplates;

    public IProgressReporter Progress { get; }

    public HostPaths Paths { get; }

    public string? FindExecutable(string name, params string[] extraDirectories) => ExecutableFinder.Find(name, extraDirectories);
}
