using Diskless.Abstractions;
using Diskless.Cli.Templates;

namespace Diskless.Testing;

/// <summary>
/// <see cref="FakeHostServices"/> with the host's real templates: the goldens pin the output, so an engine change
/// that alters a rendered file fails these tests.
/// </summary>
public sealed class TestHost(FakeHostServices fake) : IHostServices
{
    private static readonly ITemplates SharedTemplates = new ScribanTemplates();

    public TestHost(string dataDirectory)
        : this(new FakeHostServices(dataDirectory))
    {
    }

    public FakeHostServices Fake => fake;

    public RecordingCommandRunner Runner => fake.Runner;

    public RecordingProgress RecordedProgress => fake.RecordedProgress;

    public ICommandRunner Commands => fake.Commands;

    public IProcessTable Processes => fake.Processes;

    public IChroot Chroot => fake.Chroot;

    public IUserNamespace? Namespace => fake.Namespace;

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates => SharedTemplates;

    public IProgressReporter Progress => fake.Progress;

    public HostPaths Paths => fake.Paths;

    public string? FindExecutable(string name, params string[] extraDirectories) => fake.FindExecutable(name, extraDirectories);

    /// <summary>The templates for a real host built from other parts (the integration test).</summary>
    public static ITemplates RealTemplates => SharedTemplates;
}
