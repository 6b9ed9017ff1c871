using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Plugins.QemuDirect.Tests;

/// <summary>Host services over the real command runner, for tests that run real QEMU and virtiofsd.</summary>
internal sealed class RealHost : IHostServices
{
    private readonly FakeHostServices _fake;

    /// <summary>A host whose data dir (where unpacked kernels are cached) is <paramref name="dataDirectory"/>.</summary>
    public RealHost(string dataDirectory)
    {
        _fake = new FakeHostServices(dataDirectory);
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

    public ITemplates Templates { get; } = new LiquidTemplates();

    public IProgressReporter Progress => RecordedProgress;

    public HostPaths Paths => _fake.Paths;

    public string? FindExecutable(string name, params string[] extraDirectories) => ExecutableFinder.Find(name, extraDirectories);
}

/// <summary>Runs commands through another runner and calls back as each one starts, to cancel mid-way.</summary>
internal sealed class InterceptingRunner(ICommandRunner inner, Action<CommandSpec> onStart) : ICommandRunner
{
    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        onStart(command);
        return inner.RunAsync(command, cancellationToken);
    }

    public async Task<int> StartDetachedAsync(CommandSpec command, string logPath, CancellationToken cancellationToken)
    {
        var pid = await inner.StartDetachedAsync(command, logPath, cancellationToken);
        onStart(command);
        return pid;
    }
}
