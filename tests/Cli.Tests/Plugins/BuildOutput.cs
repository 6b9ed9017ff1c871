using System.Reflection;

namespace Diskless.Cli.Tests.Plugins;

/// <summary>Where the build put the program, its plugins and the test plugins (recorded by the test project).</summary>
internal static class BuildOutput
{
    /// <summary>artifacts/diskless/&lt;Configuration&gt;/: the diskless program.</summary>
    public static string ProgramDirectory => Metadata("DisklessOutDir");

    /// <summary>The bundled plugins beside the program.</summary>
    public static string PluginsDirectory => Path.Combine(ProgramDirectory, "plugins");

    /// <summary>artifacts/fixtures/&lt;Configuration&gt;/plugins/: the test plugins.</summary>
    public static string FixturesDirectory => Metadata("DisklessFixturesDir");

    // Normalised: built without -c, the shared props leave Configuration empty and the paths hold "//".
    private static string Metadata(string key) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(
        typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"the test project does not record {key}")));
}
