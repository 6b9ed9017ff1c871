using System.Reflection;
using Diskless.Abstractions;
using McMaster.NETCore.Plugins;

namespace Diskless.Cli.Plugins;

/// <summary>Loads one plugin folder into its own load context and creates its plugin object.</summary>
internal static class PluginLoading
{
    // Abstractions is the one assembly host and plugins share, so IDistro is one type for both. Everything else a
    // plugin brings (Tomlyn, System.CommandLine…) stays private to it, at whatever version it was built with:
    // PreferSharedTypes stays off, because with it on the default context would hand the plugin the host's copy of
    // any assembly the host also has, whenever the host's version is the same or newer.
    private static readonly Type[] SharedTypes = [typeof(IDistro), typeof(IProvider), typeof(IHostServices)];

    /// <summary>Loads <paramref name="manifest"/>'s plugin; throws <see cref="DisklessException"/> naming it and its folder.</summary>
    public static IPlugin Load(PluginManifest manifest)
    {
        if (!File.Exists(manifest.AssemblyPath))
        {
            throw Failed(manifest, $"its assembly {manifest.AssemblyFile} is missing");
        }

        var contract = manifest.Kind == PluginKind.Distro ? typeof(IDistro) : typeof(IProvider);
        List<Type> types;
        try
        {
            var loader = PluginLoader.CreateFromAssemblyFile(manifest.AssemblyPath, SharedTypes, config => config.PreferSharedTypes = false);
            var assembly = loader.LoadDefaultAssembly();
            types = [.. assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && contract.IsAssignableFrom(t))];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failed(manifest, Describe(e, manifest), e);
        }

        if (types.Count == 0)
        {
            throw Failed(manifest, $"{manifest.AssemblyFile} exports no public class implementing {contract.Name}");
        }

        var plugins = types.Select(t => Create(manifest, t)).ToList();
        return plugins.FirstOrDefault(p => p.Name == manifest.Id)
            ?? throw Failed(manifest, $"{PluginManifest.FileName} names it \"{manifest.Id}\" but its {contract.Name} calls itself {string.Join(", ", plugins.Select(p => $"\"{p.Name}\""))}");
    }

    private static IPlugin Create(PluginManifest manifest, Type type)
    {
        try
        {
            return (IPlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw Failed(manifest, $"creating {type.FullName} threw {Describe(e.InnerException, manifest)}", e.InnerException);
        }
        catch (Exception e) when (e is MissingMethodException or MemberAccessException or TypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw Failed(manifest, $"cannot create {type.FullName}: {Describe(e, manifest)}", e);
        }
    }

    private static string Describe(Exception e, PluginManifest manifest) => e switch
    {
        BadImageFormatException b => $"{(b.FileName is null ? manifest.AssemblyFile : Path.GetFileName(b.FileName))} is not a valid .NET assembly",
        ReflectionTypeLoadException r => string.Join("; ", r.LoaderExceptions.Where(x => x is not null).Select(x => x!.Message).Distinct()),
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private static DisklessException Failed(PluginManifest manifest, string reason, Exception? inner = null) =>
        new(
            $"plugin \"{manifest.Id}\" in {manifest.Folder} could not be loaded: {reason}",
            "rebuild or reinstall it (dotnet build), or remove its folder; `diskless plugins` shows every plugin and its state",
            ExitCodes.NotAvailable,
            inner);
}
