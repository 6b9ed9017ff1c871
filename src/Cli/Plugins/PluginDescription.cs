namespace Diskless.Cli.Plugins;

/// <summary>What <c>diskless plugins</c> shows about one plugin folder, after trying to load it.</summary>
/// <param name="Name">The plugin's id (or its folder's name when the manifest is unusable).</param>
/// <param name="Kind">Distro or provider; null when the manifest is unusable.</param>
/// <param name="Version">The manifest's version; null when the manifest is unusable.</param>
/// <param name="Folder">The plugin folder.</param>
/// <param name="Description">The plugin's own one-line description; null when it did not load.</param>
/// <param name="MissingCapabilities">What the plugin says it cannot do yet.</param>
/// <param name="Error">Why the plugin cannot be used; null when it loaded.</param>
public sealed record PluginDescription(
    string Name,
    PluginKind? Kind,
    string? Version,
    string Folder,
    string? Description,
    IReadOnlyList<string> MissingCapabilities,
    string? Error)
{
    /// <summary>"ready", "missing: …" or the error.</summary>
    public string Status =>
        Error is not null ? "error: " + Error
        : MissingCapabilities.Count == 0 ? "ready"
        : "missing: " + string.Join("; ", MissingCapabilities);
}
