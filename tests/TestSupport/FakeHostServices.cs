using Diskless.Abstractions;
using Diskless.Cli.Templates;

namespace Diskless.Testing;

/// <summary>Host services for unit tests: a recording runner and chroot, real templates, recorded progress.</summary>
public sealed class FakeHostServices : IHostServices
{
    /// <summary>Creates fake services around a data dir (a temp folder by default).</summary>
    public FakeHostServices(string? dataDirectory = null)
    {
        Runner = new RecordingCommandRunner();
        Chroot = new RecordingChroot(Runner);
        Paths = new HostPaths(dataDirectory ?? Path.Combine(Path.GetTempPath(), "diskless-test-" + Guid.NewGuid().ToString("n")));
    }

    public RecordingCommandRunner Runner { get; }

    public RecordingProgress RecordedProgress { get; } = new();

    /// <summary>Executables that <see cref="FindExecutable"/> reports, by name.</summary>
    public Dictionary<string, string> Executables { get; } = [];

    public ICommandRunner Commands => Runner;

    /// <summary>The real /proc unless a test sets a pretend one: nothing the recording runner "starts" runs, so none of its pids live there.</summary>
    public IProcessTable Processes { get; set; } = new ProcProcessTable();

    public IChroot Chroot { get; }

    /// <summary>Null (host-owned roots) unless a test sets a namespace (roots of subordinate ids).</summary>
    public IUserNamespace? Namespace { get; set; }

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates { get; } = new ScribanTemplates();

    public IProgressReporter Progress => RecordedProgress;

    public HostPaths Paths { get; }

    public string? FindExecutable(string name, params string[] extraDirectories) =>
        Executables.TryGetValue(name, out var path) ? path : null;
}

/// <summary>A chroot that records "[chroot ROOT] command" in the runner's transcript and answers from its script.</summary>
public sealed class RecordingChroot(RecordingCommandRunner runner) : IChroot
{
    public Task<CommandResult> RunAsync(string rootDirectory, CommandSpec command, CancellationToken cancellationToken)
    {
        runner.Record($"[chroot {rootDirectory}]");
        return runner.RunAsync(command, cancellationToken);
    }
}

/// <summary>Progress that keeps every line, for assertions.</summary>
public sealed class RecordingProgress : IProgressReporter
{
    public List<string> Lines { get; } = [];

    public bool IsVerbose => false;

    public IProgressStage BeginStage(string title)
    {
        Lines.Add("stage: " + title);
        return new Stage(this, title);
    }

    public void Info(string message) => Lines.Add("info: " + message);

    public void Warn(string message) => Lines.Add("warn: " + message);

    public void Verbose(string message) => Lines.Add("verbose: " + message);

    private sealed class Stage(RecordingProgress owner, string title) : IProgressStage
    {
        private bool _failed;

        public void Update(string detail) => owner.Lines.Add($"update: {title}: {detail}");

        public void Fail() => _failed = true;

        public void Dispose() => owner.Lines.Add((_failed ? "failed: " : "done: ") + title);
    }
}
