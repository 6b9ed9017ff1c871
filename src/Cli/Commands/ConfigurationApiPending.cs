// TEMPORARY (clihost branch): stand-ins for the Configuration API the `config` branch is writing, so init and validate
// compile before it is merged. DELETE this file when merging `config`; the duplicate type names make that obvious.
using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Configuration;

internal static class DisklessfileLocator
{
    public static string Resolve(string? fileOption, string cwd) => throw Pending();

    internal static DisklessException Pending() =>
        new("the Disklessfile reader is not available yet in this build", null, ExitCodes.NotAvailable);
}

internal static class DisklessfileParser
{
    public static ProjectSpec Parse(string text, string path) => throw DisklessfileLocator.Pending();
}

internal static class ProjectValidator
{
    public static Task<IReadOnlyList<SpecIssue>> ValidateAsync(ProjectSpec project, IPluginCatalog plugins, CancellationToken cancellationToken) =>
        throw DisklessfileLocator.Pending();
}

internal static class StarterDisklessfile
{
    public static string Render(ITemplates templates, string name) => throw DisklessfileLocator.Pending();
}

internal static class NameRules
{
    public static string ToHostname(string folderName) => folderName;
}

internal sealed record ProjectSpec(string DisklessfilePath, string ProjectDirectory, IReadOnlyList<MachineSpec> Machines);

internal sealed class ConfigurationException(IReadOnlyList<SpecIssue> issues) : DisklessException(string.Join('\n', issues), null, ExitCodes.InvalidConfiguration)
{
    public IReadOnlyList<SpecIssue> Issues { get; } = issues;

    public static void ThrowIfAny(IReadOnlyList<SpecIssue> issues)
    {
        if (issues.Count > 0)
        {
            throw new ConfigurationException(issues);
        }
    }
}
