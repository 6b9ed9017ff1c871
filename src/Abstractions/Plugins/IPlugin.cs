namespace Diskless.Abstractions;

/// <summary>What every plugin says about itself. The host lists this with <c>diskless plugins</c>.</summary>
public interface IPlugin
{
    /// <summary>The name a Disklessfile uses ("debian", "qemu").</summary>
    string Name { get; }

    /// <summary>One line saying what the plugin does.</summary>
    string Description { get; }

    /// <summary>
    /// Capabilities the plugin does not have yet, in a few words each (e.g. "boot: not implemented").
    /// Empty for a complete plugin.
    /// </summary>
    IReadOnlyList<string> MissingCapabilities { get; }
}
