using Diskless.Cli.Configuration;
using Diskless.Cli.Plugins;
using Diskless.Cli.Tests.Plugins;

namespace Diskless.Cli.Tests.Configuration;

/// <summary>The user's own configuration gives every project provider settings, and what it reaches needs no trust.</summary>
public sealed class UserConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("diskless-userconfig-").FullName;
    private readonly string _project;
    private readonly string _configFile;

    public UserConfigurationTests()
    {
        _project = Directory.CreateDirectory(Path.Combine(_root, "repo")).FullName;
        _configFile = Path.Combine(_root, "config.toml");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Its_qemu_binary_and_extra_arguments_reach_every_machine_without_a_request()
    {
        await File.WriteAllTextAsync(_configFile, "[provider.qemu]\nbinary = \"/usr/bin/qemu-system-x86_64\"\nextra_args = [\"-device\", \"virtio-rng-pci\"]\n");
        await File.WriteAllTextAsync(Path.Combine(_project, "Disklessfile"), "name = \"dev\"\n");

        var project = await LoadAsync();

        var settings = project.Machines[0].Provider.Settings;
        Assert.Equal("/usr/bin/qemu-system-x86_64", settings["binary"].Value);
        Assert.Equal(_configFile, settings["binary"].Location.File);
        Assert.Equal(2, settings["binary"].Location.Line);
        Assert.Empty(project.Requests);
    }

    [Fact]
    public async Task The_disklessfiles_own_setting_wins_and_is_still_a_request()
    {
        await File.WriteAllTextAsync(_configFile, "[provider.qemu]\nbinary = \"/usr/bin/qemu-system-x86_64\"\n");
        await File.WriteAllTextAsync(Path.Combine(_project, "Disklessfile"), "name = \"dev\"\n[provider]\nname = \"qemu\"\nbinary = \"/bin/sh\"\n");

        var project = await LoadAsync();

        Assert.Equal("/bin/sh", project.Machines[0].Provider.Settings["binary"].Value);
        var request = Assert.Single(project.Requests);
        Assert.Equal(4, request.Location!.Line);
        Assert.Contains("/bin/sh", request.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_is_an_error_at_its_own_line()
    {
        await File.WriteAllTextAsync(_configFile, "[provider.qemu]\nbinary = /usr/bin/qemu\n");
        await File.WriteAllTextAsync(Path.Combine(_project, "Disklessfile"), "name = \"dev\"\n");

        var error = await Assert.ThrowsAsync<ConfigurationException>(LoadAsync);

        Assert.Contains(_configFile + ":2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_gives_nothing()
    {
        var user = UserConfiguration.Read(Path.Combine(_root, "absent.toml"));

        Assert.Empty(user.Providers);
    }

    private Task<ProjectSpec> LoadAsync() =>
        ProjectLoader.LoadAsync(null, _project, new PluginHost([BuildOutput.PluginsDirectory]), CancellationToken.None, UserConfiguration.Read(_configFile));
}
