using Diskless.Abstractions;

namespace Diskless.Cli.Plugins;

/// <summary>
/// The plugins the host knows, by the names a Disklessfile uses. Names come from each plugin folder's manifest
/// without loading any assembly; <see cref="GetDistro"/> and <see cref="GetProvider"/> load only the plugin asked for.
/// </summary>
public interface IPluginCatalog
{
    /// <summary>Names of the distro plugins found ("arch", "debian"), sorted.</summary>
    IReadOnlyList<string> DistroNames { get; }

    /// <summary>Names of the provider plugins found ("libvirt", "qemu"), sorted.</summary>
    IReadOnlyList<string> ProviderNames { get; }

    /// <summary>
    /// Loads and returns the distro plugin named <paramref name="name"/>. Throws <see cref="DisklessException"/>
    /// when no plugin has that name (listing those that exist) or when it fails to load (naming it and its folder).
    /// </summary>
    IDistro GetDistro(string name);

    /// <summary>Loads and returns the provider plugin named <paramref name="name"/>; errors as for <see cref="GetDistro"/>.</summary>
    IProvider GetProvider(string name);
}
