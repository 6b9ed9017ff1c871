using Diskless.Abstractions;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Configuration;

/// <summary>
/// The checks that need more than the file: that its plugins exist (and what they say about their settings), and that
/// the host paths it names exist. The parser has already checked everything the file alone can tell.
/// </summary>
public static class ProjectValidator
{
    /// <summary>
    /// Every problem found, in file order, with the requests (<see cref="SpecIssue.IsRequest"/>) the file makes of the
    /// host; without problems the project can be brought up, its requests once the file is trusted.
    /// </summary>
    public static Task<IReadOnlyList<SpecIssue>> ValidateAsync(ProjectSpec project, IPluginCatalog catalog, CancellationToken cancellationToken) =>
        ValidateAsync(project, catalog, HostCapacity.OfThisHost(), cancellationToken);

    /// <summary>Every problem and request found, in file order, for a host with <paramref name="capacity"/>.</summary>
    public static async Task<IReadOnlyList<SpecIssue>> ValidateAsync(ProjectSpec project, IPluginCatalog catalog, HostCapacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(capacity);
        var issues = new List<SpecIssue>();
        foreach (var machine in project.Machines)
        {
            issues.AddRange(await ValidateDistroAsync(machine.Distro, catalog, cancellationToken).ConfigureAwait(false));
            issues.AddRange(await ValidateProviderAsync(machine, catalog, cancellationToken).ConfigureAwait(false));
            issues.AddRange(HostPaths(machine));
            issues.AddRange(capacity.Check(machine));
            issues.AddRange(ProjectReach.Requests(machine));
        }

        return DisklessfileParser.Sorted(issues);
    }

    private static async Task<IReadOnlyList<SpecIssue>> ValidateDistroAsync(DistroSpec spec, IPluginCatalog catalog, CancellationToken cancellationToken)
    {
        if (!catalog.DistroNames.Contains(spec.Name, StringComparer.Ordinal))
        {
            return [Unknown("distro", spec.Name, catalog.DistroNames, spec.Location)];
        }

        try
        {
            var distro = catalog.GetDistro(spec.Name);
            return await distro.ValidateAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (DisklessException e)
        {
            return [new SpecIssue(e.Message, spec.Location, e.Hint)];
        }
    }

    private static async Task<IReadOnlyList<SpecIssue>> ValidateProviderAsync(MachineSpec machine, IPluginCatalog catalog, CancellationToken cancellationToken)
    {
        var spec = machine.Provider;
        if (!catalog.ProviderNames.Contains(spec.Name, StringComparer.Ordinal))
        {
            return [Unknown("provider", spec.Name, catalog.ProviderNames, spec.Location)];
        }

        try
        {
            var provider = catalog.GetProvider(spec.Name);
            var issues = ProviderCapabilityCheck.Check(machine, provider).ToList();
            issues.AddRange(await provider.ValidateAsync(machine, cancellationToken).ConfigureAwait(false));
            return issues;
        }
        catch (DisklessException e)
        {
            return [new SpecIssue(e.Message, spec.Location, e.Hint)];
        }
    }

    private static SpecIssue Unknown(string kind, string name, IReadOnlyList<string> available, SourceLocation? location)
    {
        var list = available.Count == 0 ? "none are installed" : "available: " + string.Join(", ", available);
        return new SpecIssue(
            $"no {kind} plugin named '{name}'; {list}",
            location,
            Suggestions.DidYouMean(name, available) ?? "run `diskless plugins` to see the plugins found and why any failed to load");
    }

    private static IEnumerable<SpecIssue> HostPaths(MachineSpec machine)
    {
        foreach (var folder in machine.SyncedFolders)
        {
            if (File.Exists(folder.HostPath))
            {
                yield return new SpecIssue($"synced folder {folder.HostPath} is a file, not a folder", folder.Location, "sync the folder that holds it, or use a file provisioner");
            }
            else if (!Directory.Exists(folder.HostPath))
            {
                yield return new SpecIssue($"synced folder {folder.HostPath} does not exist", folder.Location, $"create it (mkdir -p {folder.HostPath}) or fix 'host'");
            }
        }

        foreach (var provisioner in machine.Provisioners)
        {
            var (path, key) = provisioner switch
            {
                ShellProvisioner { ScriptPath: { } script } => (script, "script"),
                FileProvisioner file => (file.Source, "source"),
                _ => (null, null),
            };
            if (path is not null && !File.Exists(path))
            {
                yield return new SpecIssue($"provisioning {key} {path} does not exist", provisioner.Location, "paths are relative to the Disklessfile's folder");
            }
        }
    }
}
