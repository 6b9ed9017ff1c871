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

    [Fact]
    public void The_data_dir_is_DISKLESS_HOME_when_set()
    {
        Assert.Equal("/srv/d", DisklessHome.Resolve(Env(("DISKLESS_HOME", "/srv/d"), ("XDG_DATA_HOME", "/x")), isRoot: true));
    }

    [Fact]
    public void The_data_dir_of_root_is_var_lib_diskless()
    {
        Assert.Equal("/var/lib/diskless", DisklessHome.Resolve(Env(("XDG_DATA_HOME", "/x")), isRoot: true));
    }

    [Fact]
    public void The_data_dir_of_a_user_follows_XDG_DATA_HOME_or_defaults_under_home()
    {
        Assert.Equal("/x/diskless", DisklessHome.Resolve(Env(("XDG_DATA_HOME", "/x")), isRoot: false));
        Assert.Equal("/home/u/.local/share/diskless", DisklessHome.Resolve(Env(("HOME", "/home/u")), isRoot: false));
    }
}
