using System.Text.Json;

namespace Diskless.Cli.Tests.Commands;

public sealed class PluginsCommandTests
{
    [Fact]
    public async Task Plugins_prints_a_table_of_every_plugin_with_its_state()
    {
        var run = await CliRun.RunAsync(["plugins"]);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^NAME\s+KIND\s+VERSION\s+FOLDER\s+STATUS$", lines[0]);
        Assert.Equal(["arch", "debian", "libvirt", "qemu"], lines.Skip(1).Select(l => l.Split(' ')[0]));
        Assert.Matches(@"^qemu\s+provider\s+0\.1\.0\s+/\S+/QemuDirect\s+(ready|missing: .+)$", lines[4]);
    }

    [Fact]
    public async Task Plugins_json_gives_each_plugins_fields_for_scripts()
    {
        var run = await CliRun.RunAsync(["plugins", "--json"]);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var debian = json.RootElement.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "debian");
        Assert.Equal("distro", debian.GetProperty("kind").GetString());
        Assert.Equal("0.1.1", debian.GetProperty("version").GetString());
        Assert.EndsWith("/plugins/Debian", debian.GetProperty("folder").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, debian.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Array, debian.GetProperty("missingCapabilities").ValueKind);
        Assert.StartsWith("Debian", debian.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
