namespace Diskless.Cli.Plugins;

/// <summary>What a plugin provides: a distro (root filesystems) or a provider (virtual machines).</summary>
public enum PluginKind
{
    /// <summary>Implements <see cref="Diskless.Abstractions.IDistro"/>.</summary>
    Distro,

    /// <summary>Implements <see cref="Diskless.Abstractions.IProvider"/>.</summary>
    Provider,
}
