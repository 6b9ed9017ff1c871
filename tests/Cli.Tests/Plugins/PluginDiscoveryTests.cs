using System.Runtime.Loader;
using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Tests.Plugins;

public sealed class PluginDiscoveryTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string CopyBundledPlugins()
    {
        foreach (var folder in Directory.GetDirectories(BuildOutput.PluginsDirectory))
        {
            temp.CopyFolder(folder, Path.GetFileName(folder));
        }

        return temp.Path;
    }

    private IReadOnlyList<string> AssembliesLoadedFrom(string folder) =>
        [.. AssemblyLoadContext.All.SelectMany(c => c.Assemblies)
            .Where(a => !a.IsDynamic && a.Location.StartsWith(folder + "/", StringComparison.Ordinal))
            .Select(a => Path.GetFileName(a.Location))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void The_build_writes_a_manifest_for_each_bundled_plugin()
    {
        var manifests = Directory.GetDirectories(BuildOutput.PluginsDirectory).Select(PluginManifest.Read).OrderBy(m => m.Id).ToList();

        Assert.Equal(["arch", "debian", "libvirt", "qemu"], manifests.Select(m => m.Id));
        Assert.Equal([PluginKind.Distro, PluginKind.Distro, PluginKind.Provider, PluginKind.Provider], manifests.Select(m => m.Kind));
        Assert.Equal("Diskless.Plugins.QemuDirect.dll", manifests[3].AssemblyFile);
        Assert.All(manifests, m => Assert.True(File.Exists(m.AssemblyPath), m.AssemblyPath));
        // Each plugin's own <Version>: Debian's moved on alone (it is part of its bases' cache keys).
        Assert.Equal(["0.1.0", "0.1.1", "0.1.0", "0.1.0"], manifests.Select(m => m.Version));
    }

    [Fact]
    public void Plugin_names_come_from_manifests_without_loading_any_assembly()
    {
        var folder = CopyBundledPlugins();
        var host = new PluginHost([folder]);

        Assert.Equal(["arch", "debian"], host.DistroNames);
        Assert.Equal(["libvirt", "qemu"], host.ProviderNames);
        Assert.Empty(host.LoadAttempts);
        Assert.Empty(AssembliesLoadedFrom(folder));
    }

    [Fact]
    public void Asking_for_qemu_loads_only_the_qemu_plugin()
    {
        var folder = CopyBundledPlugins();
        var host = new PluginHost([folder]);

        var provider = host.GetProvider("qemu");

        Assert.Equal("qemu", provider.Name);
        Assert.Equal(["qemu"], host.LoadAttempts);
        Assert.Equal(["Diskless.Plugins.QemuDirect.dll"], AssembliesLoadedFrom(folder));
    }

    [Fact]
    public void A_plugin_is_loaded_once_however_often_it_is_asked_for()
    {
        var host = new PluginHost([CopyBundledPlugins()]);

        Assert.Same(host.GetDistro("debian"), host.GetDistro("debian"));
    }

    [Fact]
    public void An_unknown_plugin_name_lists_the_available_ones()
    {
        var host = new PluginHost([CopyBundledPlugins()]);

        var error = Assert.Throws<DisklessException>(() => host.GetDistro("gentoo"));

        Assert.Equal("no distro plugin is named \"gentoo\"", error.Message);
        Assert.StartsWith("available: arch, debian;", error.Hint);
        Assert.Equal(ExitCodes.InvalidConfiguration, error.ExitCode);
        Assert.Empty(host.LoadAttempts);
    }

    [Fact]
    public void Asking_for_a_provider_by_a_distro_name_says_which_kind_it_is()
    {
        var host = new PluginHost([CopyBundledPlugins()]);

        var error = Assert.Throws<DisklessException>(() => host.GetProvider("debian"));

        Assert.Equal("\"debian\" is a distro plugin, not a provider plugin", error.Message);
        Assert.Contains("available: libvirt, qemu", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_plugin_on_the_search_path_wins_and_the_shadowed_one_is_reported()
    {
        var first = new TempFolder();
        try
        {
            first.CopyFolder(Path.Combine(BuildOutput.PluginsDirectory, "QemuDirect"), "MyQemu");
            var host = new PluginHost([first.Path, CopyBundledPlugins()]);

            var qemu = host.GetProvider("qemu");
            var shadowed = host.DescribeAll().Single(d => d.Folder == temp.Sub("QemuDirect"));

            Assert.Equal(first.Sub("MyQemu"), Path.GetDirectoryName(qemu.GetType().Assembly.Location));
            Assert.Equal(["libvirt", "qemu"], host.ProviderNames);
            Assert.Contains($"comes first on the search path", shadowed.Error, StringComparison.Ordinal);
            Assert.Contains(first.Sub("MyQemu"), shadowed.Error, StringComparison.Ordinal);
        }
        finally
        {
            first.Dispose();
        }
    }

    [Fact]
    public void DescribeAll_reports_each_bundled_plugin_with_its_kind_version_and_missing_capabilities()
    {
        var folder = CopyBundledPlugins();
        var host = new PluginHost([folder]);

        var all = host.DescribeAll();

        Assert.Equal(["arch", "debian", "libvirt", "qemu"], all.Select(d => d.Name).Order());
        var qemu = all.Single(d => d.Name == "qemu");
        Assert.Equal(PluginKind.Provider, qemu.Kind);
        Assert.Equal("0.1.0", qemu.Version);
        Assert.Equal(Path.Combine(folder, "QemuDirect"), qemu.Folder);
        Assert.Null(qemu.Error);
        Assert.False(string.IsNullOrWhiteSpace(qemu.Description));
        Assert.Equal(qemu.MissingCapabilities.Count == 0 ? "ready" : "missing: " + string.Join("; ", qemu.MissingCapabilities), qemu.Status);
    }

    [Fact]
    public void Missing_search_folders_are_skipped()
    {
        var host = new PluginHost([temp.Sub("nothing-here"), BuildOutput.PluginsDirectory]);

        Assert.Equal(["libvirt", "qemu"], host.ProviderNames);
    }
}
