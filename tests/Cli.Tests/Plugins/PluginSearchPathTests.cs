using Diskless.Cli.Plugins;

namespace Diskless.Cli.Tests.Plugins;

public sealed class PluginSearchPathTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void DISKLESS_PLUGIN_PATH_comes_first_then_the_users_plugins_then_the_programs()
    {
        var folders = PluginSearchPath.Resolve(Env(("DISKLESS_PLUGIN_PATH", "/a:/b/c:"), ("DISKLESS_HOME", "/data")), "/opt/diskless");

        Assert.Equal(["/a", "/b/c", "/data/plugins", "/opt/diskless/plugins"], folders);
    }
}
