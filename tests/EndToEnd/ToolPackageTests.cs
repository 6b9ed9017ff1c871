using System.IO.Compression;
using System.Text.Json;
using Xunit.Abstractions;

namespace Diskless.EndToEnd;

/// <summary>
/// `dotnet pack src/Cli` makes a .NET tool that carries the four plugins; installed with `dotnet tool install
/// --add-source`, it finds them beside itself in the tool store, loads them, and runs commands that need them.
/// </summary>
public sealed class The_tool_package(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Plugins = ["Arch", "Debian", "Libvirt", "QemuDirect"];

    private readonly string _tmp = Directory.CreateTempSubdirectory("diskless-tool-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact(Timeout = 600_000)]
    public async Task Installs_with_dotnet_tool_install_and_runs_with_its_four_plugins()
    {
        var packages = Path.Combine(_tmp, "packages");
        var tools = Path.Combine(_tmp, "tools");
        var project = Directory.CreateDirectory(Path.Combine(_tmp, "shop")).FullName;
        var environment = new Dictionary<string, string?>
        {
            ["DISKLESS_HOME"] = Path.Combine(_tmp, "home"),
            ["XDG_CONFIG_HOME"] = Path.Combine(_tmp, "config"),
            ["DISKLESS_PLUGIN_PATH"] = null,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };

        // Packed from what the suite built, as a release would pack what it built.
        var pack = await Run("dotnet", ["pack", Path.Combine(DisklessProcess.RepoRoot, "src", "Cli", "Diskless.Cli.csproj"), "--no-build", "-c", DisklessProcess.Configuration, "-nologo", "-o", packages]);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(packages, "diskless.*.nupkg"));
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
            Assert.All(Plugins, name => Assert.Contains($"tools/net10.0/any/plugins/{name}/plugin.json", entries));
            // Only the four: no test fixture plugin rides along.
            Assert.Equal(Plugins, entries.Where(e => e.EndsWith("/plugin.json", StringComparison.Ordinal)).Select(e => e.Split('/')[4]).Order(StringComparer.Ordinal));
        }

        var install = await Run("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "diskless"]);
        Assert.True(install.ExitCode == 0, install.ToString());
        var diskless = Path.Combine(tools, "diskless");

        var plugins = await Run(diskless, ["plugins", "--json"]);
        Assert.True(plugins.ExitCode == 0, plugins.ToString());
        using (var listed = JsonDocument.Parse(plugins.Stdout))
        {
            var found = listed.RootElement.EnumerateArray()
                .Select(p => (Name: p.GetProperty("name").GetString()!, Folder: p.GetProperty("folder").GetString()!, Status: p.GetProperty("status").GetString()!))
                .ToList();
            Assert.Equal(["arch", "debian", "libvirt", "qemu"], found.Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.All(found, p => Assert.Equal("ready", p.Status));
            // Loaded from the installed tool, not from the build tree.
            Assert.All(found, p => Assert.StartsWith(Path.Combine(tools, ".store"), p.Folder, StringComparison.Ordinal));
        }

        var init = await Run(diskless, ["init", "shop"], project);
        Assert.True(init.ExitCode == 0, init.ToString());
        var validate = await Run(diskless, ["validate", "--json"], project);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        using (var view = JsonDocument.Parse(validate.Stdout))
        {
            var machine = view.RootElement.GetProperty("machines")[0];
            Assert.Equal(("debian", "qemu"), (machine.GetProperty("distro").GetProperty("name").GetString(), machine.GetProperty("provider").GetProperty("name").GetString()));
        }

        var status = await Run(diskless, ["status"], project);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"shop\s+not created\s+qemu/debian", status.Stdout);

        async Task<CliRun> Run(string program, string[] arguments, string? workingDirectory = null)
        {
            var run = await DisklessProcess.RunProgramAsync(program, arguments, workingDirectory ?? _tmp, TimeSpan.FromMinutes(5), environment);
            output.WriteLine($"$ {Path.GetFileName(program)} {string.Join(' ', arguments)}\n{run}");
            return run;
        }
    }
}
