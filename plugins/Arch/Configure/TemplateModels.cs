namespace Diskless.Plugins.Arch.Configure;

// One view model per template in Templates/ (the shared ones live in PluginSupport); read in snake_case by the
// host's template engine, by reflection from another assembly: public.

/// <summary>mkinitcpio.conf.liquid and booster.yaml.liquid: the modules the image always holds.</summary>
public sealed record InitramfsModel(IReadOnlyList<string> Modules, string Transports);
