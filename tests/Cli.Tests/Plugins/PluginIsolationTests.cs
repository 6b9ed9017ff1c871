using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Tests.Plugins;

/// <summary>The isolation fixture is built against System.CommandLine 2.0.0; the host uses 3.0.0.</summary>
public sealed class PluginIsolationTests
{
    private static readonly PluginHost Host = new([BuildOutput.FixturesDirectory]);

    private static T Property<T>(object plugin, string name) => (T)plugin.GetType().GetProperty(name)!.GetValue(plugin)!;

    [Fact]
    public void A_plugin_gets_its_own_version_of_a_dependency_the_host_also_uses()
    {
        var plugin = Host.GetDistro("isolation");

        Assert.Equal(new Version(2, 0, 0, 0), Property<Version>(plugin, "DependencyVersion"));
        Assert.Equal(new Version(3, 0, 0, 0), typeof(System.CommandLine.RootCommand).Assembly.GetName().Version);
    }

    [Fact]
    public void Host_and_plugin_share_one_IDistro_type()
    {
        var plugin = Host.GetDistro("isolation");

        Assert.Same(typeof(IDistro), Property<Type>(plugin, "ContractType"));
        Assert.IsAssignableFrom<IDistro>(plugin);
    }

    [Fact]
    public void The_plugins_dependency_lives_in_the_plugins_load_context_not_the_hosts()
    {
        var plugin = Host.GetDistro("isolation");
        var pluginContext = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(plugin.GetType().Assembly);
        var dependency = pluginContext!.Assemblies.Single(a => a.GetName().Name == "System.CommandLine");

        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, pluginContext);
        Assert.StartsWith(Path.Combine(BuildOutput.FixturesDirectory, "IsolationPlugin"), dependency.Location, StringComparison.Ordinal);
        Assert.DoesNotContain(pluginContext.Assemblies, a => a.GetName().Name == "Diskless.Abstractions");
    }
}
