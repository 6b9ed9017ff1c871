namespace Diskless.Plugins.Debian.Configure;

// One view model per template in Templates/ (the shared ones live in PluginSupport); templates read the properties in snake_case.
// They are public because the host's template engine reads them by reflection from another assembly.

/// <summary>initramfs-modules.liquid.</summary>
public sealed record InitramfsModulesModel(IReadOnlyList<string> Modules);

/// <summary>initramfs-conf.liquid.</summary>
public sealed record InitramfsConfModel(string Modules);

/// <summary>sources.list.liquid.</summary>
public sealed record AptSourcesModel(string Mirror, string SecurityMirror, string Release, string Components, bool HasUpdates, bool HasSecurity);

/// <summary>locale-gen.service.liquid: the flag file whose presence makes the guest generate its locales.</summary>
public sealed record LocaleGenUnitModel(string Pending);

/// <summary>journal-flush.service.liquid: where the unit is written.</summary>
public sealed record JournalFlushUnitModel(string UnitPath);
