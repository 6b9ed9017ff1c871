using System.Text.Json;

namespace Diskless.Cli.Plugins;

/// <summary>
/// A plugin folder's <c>plugin.json</c>, written by the build (plugins/Directory.Build.targets). It names the plugin
/// without loading its assembly.
/// </summary>
/// <param name="Id">The name a Disklessfile uses ("debian", "qemu").</param>
/// <param name="Kind">Distro or provider.</param>
/// <param name="AssemblyFile">The plugin assembly's file name inside <paramref name="Folder"/>.</param>
/// <param name="Version">The plugin's version.</param>
/// <param name="Folder">The plugin folder (absolute).</param>
public sealed record PluginManifest(string Id, PluginKind Kind, string AssemblyFile, string Version, string Folder)
{
    /// <summary>The manifest's file name in a plugin folder.</summary>
    public const string FileName = "plugin.json";

    /// <summary>The plugin assembly's absolute path.</summary>
    public string AssemblyPath => Path.Combine(Folder, AssemblyFile);

    /// <summary>Reads the manifest of <paramref name="folder"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static PluginManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new FormatException($"{FileName} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{FileName} must hold a JSON object");
            }

            var id = RequiredString(root, "id");
            var kindText = RequiredString(root, "kind");
            var kind = kindText switch
            {
                "distro" => PluginKind.Distro,
                "provider" => PluginKind.Provider,
                _ => throw new FormatException($"{FileName}: \"kind\" must be \"distro\" or \"provider\", not \"{kindText}\""),
            };
            var assembly = RequiredString(root, "assembly");
            if (Path.GetFileName(assembly) != assembly)
            {
                // A manifest may only name a file in its own folder: a plugin folder is self-contained.
                throw new FormatException($"{FileName}: \"assembly\" must be a file name in the plugin folder, not \"{assembly}\"");
            }

            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";
            return new PluginManifest(id, kind, assembly, version, Path.GetFullPath(folder));
        }
    }

    private static string RequiredString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new FormatException($"{FileName}: \"{name}\" is missing or not a non-empty string");
        }

        return value.GetString()!;
    }
}
