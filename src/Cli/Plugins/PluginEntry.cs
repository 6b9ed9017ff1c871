namespace Diskless.Cli.Plugins;

/// <summary>
/// One plugin folder found on the search path: its manifest when readable, else why not. Nothing is loaded yet.
/// </summary>
/// <param name="Name">The manifest's id, or the folder's name when the manifest could not be read.</param>
/// <param name="Folder">The plugin folder (absolute).</param>
/// <param name="Manifest">The manifest; null when <paramref name="Problem"/> says why it is unusable.</param>
/// <param name="Problem">Why this folder cannot be used without loading anything (bad manifest, shadowed id); null when fine.</param>
public sealed record PluginEntry(string Name, string Folder, PluginManifest? Manifest, string? Problem);
