using Diskless.Abstractions;

namespace Diskless.Cli.Plugins;

/// <summary>
/// The plugins on the search path (<see cref="PluginSearchPath"/>). Names come from manifests; a plugin's assembly is
/// loaded, into its own load context, only when that plugin is asked for. A plugin that fails to load fails alone.
/// </summary>
public sealed class PluginHost : IPluginCatalog
{
    private readonly Lazy<IReadOnlyList<PluginEntry>> entries;
    private readonly Dictionary<string, Lazy<IPlugin>> loads = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Creates a host over <paramref name="searchFolders"/> (plugin folders or folders of plugin folders), most specific first.</summary>
    public PluginHost(IReadOnlyList<string> searchFolders)
    {
        SearchFolders = searchFolders;
        entries = new Lazy<IReadOnlyList<PluginEntry>>(() => PluginDiscovery.Discover(searchFolders));
    }

    /// <summary>A host over the standard search path of this process (environment and program folder).</summary>
    public static PluginHost CreateDefault() =>
        new(PluginSearchPath.Resolve(Environment.GetEnvironmentVariable, AppContext.BaseDirectory));

    /// <summary>The folders searched, in order.</summary>
    public IReadOnlyList<string> SearchFolders { get; }

    /// <summary>Every plugin folder found, usable or not, in search order.</summary>
    public IReadOnlyList<PluginEntry> Entries => entries.Value;

    /// <inheritdoc />
    public IReadOnlyList<string> DistroNames => NamesOf(PluginKind.Distro);

    /// <inheritdoc />
    public IReadOnlyList<string> ProviderNames => NamesOf(PluginKind.Provider);

    /// <summary>Ids of the plugins whose assemblies this host has tried to load, for tests and diagnostics.</summary>
    public IReadOnlyList<string> LoadAttempts
    {
        get
        {
            lock (gate)
            {
                return [.. loads.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <inheritdoc />
    public IDistro GetDistro(string name) => (IDistro)Get(name, PluginKind.Distro);

    /// <inheritdoc />
    public IProvider GetProvider(string name) => (IProvider)Get(name, PluginKind.Provider);

    /// <summary>Loads every plugin and describes each, with the reason for any that cannot be used.</summary>
    public IReadOnlyList<PluginDescription> DescribeAll() => [.. Entries.Select(Describe)];

    private PluginDescription Describe(PluginEntry entry)
    {
        if (entry.Manifest is not { } manifest)
        {
            return new PluginDescription(entry.Name, null, null, entry.Folder, null, [], entry.Problem);
        }

        try
        {
            var plugin = Load(manifest);
            return new PluginDescription(manifest.Id, manifest.Kind, manifest.Version, manifest.Folder, plugin.Description, plugin.MissingCapabilities, null);
        }
        catch (DisklessException e)
        {
            return new PluginDescription(manifest.Id, manifest.Kind, manifest.Version, manifest.Folder, null, [], e.Message);
        }
    }

    private IPlugin Get(string name, PluginKind kind)
    {
        var manifest = Entries.Select(e => e.Manifest).FirstOrDefault(m => m is not null && m.Id == name);
        if (manifest is null || manifest.Kind != kind)
        {
            throw Unknown(name, kind, manifest);
        }

        return Load(manifest);
    }

    private IPlugin Load(PluginManifest manifest)
    {
        Lazy<IPlugin> load;
        lock (gate)
        {
            if (!loads.TryGetValue(manifest.Id, out load!))
            {
                // A failed load is remembered too: the error is the same the second time, and loading again would only leak a context.
                load = new Lazy<IPlugin>(() => PluginLoading.Load(manifest));
                loads[manifest.Id] = load;
            }
        }

        return load.Value;
    }

    private DisklessException Unknown(string name, PluginKind kind, PluginManifest? otherKind)
    {
        var kindName = kind == PluginKind.Distro ? "distro" : "provider";
        var available = NamesOf(kind);
        var list = available.Count == 0 ? "none is installed" : "available: " + string.Join(", ", available);
        var broken = Entries.FirstOrDefault(e => e.Manifest is null && e.Name == name);
        var message = otherKind is not null
            ? $"\"{name}\" is a {(otherKind.Kind == PluginKind.Distro ? "distro" : "provider")} plugin, not a {kindName} plugin"
            : broken is not null
                ? $"the {kindName} plugin \"{name}\" in {broken.Folder} cannot be used: {broken.Problem}"
                : $"no {kindName} plugin is named \"{name}\"";
        return new DisklessException(message, $"{list}; `diskless plugins` lists every plugin and its folder", ExitCodes.InvalidConfiguration);
    }

    private IReadOnlyList<string> NamesOf(PluginKind kind) =>
        [.. Entries.Where(e => e.Manifest?.Kind == kind).Select(e => e.Name).Order(StringComparer.Ordinal)];
}
