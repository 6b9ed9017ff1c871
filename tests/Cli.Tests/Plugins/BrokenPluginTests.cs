using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Tests.Plugins;

public sealed class BrokenPluginTests : IDisposable
{
    private readonly TempFolder temp = new();

    public BrokenPluginTests() => temp.CopyFolder(Path.Combine(BuildOutput.PluginsDirectory, "Debian"), "Debian");

    public void Dispose() => temp.Dispose();

    private static string Manifest(string id, string kind = "distro", string assembly = "Broken.dll") =>
        $$"""{ "id": "{{id}}", "kind": "{{kind}}", "assembly": "{{assembly}}", "version": "9.9.9" }""";

    [Fact]
    public void A_plugin_whose_assembly_is_missing_fails_with_one_error_naming_it_and_its_folder_while_others_load()
    {
        var folder = temp.WritePlugin("Ghost", Manifest("ghost"));
        var host = new PluginHost([temp.Path]);

        var error = Assert.Throws<DisklessException>(() => host.GetDistro("ghost"));
        var debian = host.GetDistro("debian");

        Assert.Equal($"plugin \"ghost\" in {folder} could not be loaded: its assembly Broken.dll is missing", error.Message);
        Assert.Equal(ExitCodes.NotAvailable, error.ExitCode);
        Assert.Contains("diskless plugins", error.Hint, StringComparison.Ordinal);
        Assert.Equal("debian", debian.Name);
    }

    [Fact]
    public void A_plugin_whose_assembly_is_garbage_fails_naming_it_while_others_load()
    {
        var folder = temp.WritePlugin("Garbage", Manifest("garbage"), "Broken.dll", "MZ this is not a .NET assembly"u8.ToArray());
        var host = new PluginHost([temp.Path]);

        var error = Assert.Throws<DisklessException>(() => host.GetDistro("garbage"));

        Assert.StartsWith($"plugin \"garbage\" in {folder} could not be loaded: ", error.Message);
        Assert.Contains("Broken.dll is not a valid .NET assembly", error.Message, StringComparison.Ordinal);
        Assert.Equal("debian", host.GetDistro("debian").Name);
    }

    [Fact]
    public void A_plugin_whose_constructor_throws_fails_with_the_exception_message()
    {
        var host = new PluginHost([BuildOutput.FixturesDirectory]);

        var error = Assert.Throws<DisklessException>(() => host.GetProvider("throwing"));

        Assert.Contains("plugin \"throwing\" in ", error.Message, StringComparison.Ordinal);
        Assert.Contains("ThrowingPlugin could not be loaded: creating Diskless.Fixtures.ThrowingPlugin.ThrowingProvider threw InvalidOperationException: the throwing fixture always fails to start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_assembly_without_a_class_of_the_manifests_kind_fails_saying_so()
    {
        // The Debian assembly implements IDistro, not IProvider.
        var folder = temp.CopyFolder(Path.Combine(BuildOutput.PluginsDirectory, "Debian"), "Mislabelled");
        File.WriteAllText(Path.Combine(folder, "plugin.json"), Manifest("mislabelled", "provider", "Diskless.Plugins.Debian.dll"));
        var host = new PluginHost([temp.Path]);

        var error = Assert.Throws<DisklessException>(() => host.GetProvider("mislabelled"));

        Assert.EndsWith("could not be loaded: Diskless.Plugins.Debian.dll exports no public class implementing IProvider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_whose_id_differs_from_the_plugins_name_fails_saying_both()
    {
        var folder = temp.CopyFolder(Path.Combine(BuildOutput.PluginsDirectory, "Debian"), "Renamed");
        File.WriteAllText(Path.Combine(folder, "plugin.json"), Manifest("ubuntu", "distro", "Diskless.Plugins.Debian.dll"));
        var host = new PluginHost([temp.Path]);

        var error = Assert.Throws<DisklessException>(() => host.GetDistro("ubuntu"));

        Assert.EndsWith("plugin.json names it \"ubuntu\" but its IDistro calls itself \"debian\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "plugin.json is not valid JSON")]
    [InlineData("""{ "kind": "distro", "assembly": "X.dll" }""", "plugin.json: \"id\" is missing or not a non-empty string")]
    [InlineData("""{ "id": "x", "kind": "os", "assembly": "X.dll" }""", "plugin.json: \"kind\" must be \"distro\" or \"provider\", not \"os\"")]
    [InlineData("""{ "id": "x", "kind": "distro", "assembly": "../X.dll" }""", "plugin.json: \"assembly\" must be a file name in the plugin folder")]
    public void A_bad_manifest_is_listed_with_its_problem_and_does_not_hide_other_plugins(string manifest, string problem)
    {
        temp.WritePlugin("Bad", manifest);
        var host = new PluginHost([temp.Path]);

        var bad = host.DescribeAll().Single(d => d.Folder == temp.Sub("Bad"));

        Assert.StartsWith(problem, bad.Error, StringComparison.Ordinal);
        Assert.Equal("Bad", bad.Name);
        Assert.Null(bad.Kind);
        Assert.Equal(["debian"], host.DistroNames);
    }

    [Fact]
    public void A_folder_without_a_manifest_is_listed_as_such()
    {
        Directory.CreateDirectory(temp.Sub("Stray"));
        var host = new PluginHost([temp.Path]);

        var stray = host.DescribeAll().Single(d => d.Name == "Stray");

        Assert.Equal("error: no plugin.json in the folder", stray.Status);
    }

    [Fact]
    public void DescribeAll_reports_a_broken_plugin_and_still_describes_the_good_ones()
    {
        temp.WritePlugin("Ghost", Manifest("ghost"));
        var host = new PluginHost([temp.Path]);

        var all = host.DescribeAll();

        Assert.Equal(["debian", "ghost"], all.Select(d => d.Name).Order());
        Assert.Null(all.Single(d => d.Name == "debian").Error);
        Assert.Equal(PluginKind.Distro, all.Single(d => d.Name == "ghost").Kind);
        Assert.Equal("9.9.9", all.Single(d => d.Name == "ghost").Version);
        Assert.EndsWith("its assembly Broken.dll is missing", all.Single(d => d.Name == "ghost").Error, StringComparison.Ordinal);
    }
}
