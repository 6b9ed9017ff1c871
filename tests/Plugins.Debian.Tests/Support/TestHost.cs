using Diskless.Abstractions;
using Diskless.Cli.Templates;
using Diskless.Testing;

namespace Diskless.Plugins.Debian.Tests.Support;

/// <summary>
/// <see cref="FakeHostServices"/> with templates that can render here: the host's own FluidTemplates when they
/// work, else <see cref="DotLiquidTemplates"/>. Either way the goldens pin the output, so an engine change that
/// alters a rendered file fails these tests.
/// </summary>
internal sealed class TestHost(FakeHostServices fake) : IHostServices
{
    private static readonly Lazy<ITemplates> WorkingTemplates = new(Choose);

    public TestHost(string dataDirectory)
        : this(new FakeHostServices(dataDirectory))
    {
    }

    public FakeHostServices Fake => fake;

    public RecordingCommandRunner Runner => fake.Runner;

    public RecordingProgress RecordedProgress => fake.RecordedProgress;

    public ICommandRunner Commands => fake.Commands;

    public IChroot Chroot => fake.Chroot;

    public ITemplates Templates => WorkingTemplates.Value;

    public IProgressReporter Progress => fake.Progress;

    public HostPaths Paths => fake.Paths;

    public string? FindExecutable(string name, params string[] extraDirectories) => fake.FindExecutable(name, extraDirectories);

    /// <summary>The templates for a real host built from other parts (the integration test).</summary>
    public static ITemplates RealTemplates => WorkingTemplates.Value;

    private static ITemplates Choose()
    {
        var fluid = new FluidTemplates();
        try
        {
            fluid.Render(typeof(DebianDistro).Assembly, "hostname.liquid", new Configure.HostnameModel("probe"));
            return fluid;
        }
        catch (Exception e) when (e is TypeInitializationException or MissingMethodException)
        {
            return new DotLiquidTemplates();
        }
    }
}
