using Diskless.Abstractions;
using Diskless.PluginSupport.Configure;

namespace Diskless.Plugins.Debian.Base;

/// <summary>Turns a <c>[distro]</c> table into the full description of its base (pure).</summary>
internal static class BasePlanner
{
    /// <summary>Applies defaults: release, mirror, architecture, components, variant and the sorted package set.</summary>
    public static BaseSpec Describe(DistroSpec spec, string distroName)
    {
        var packages = DebianDefaults.BasePackages
            .Concat(spec.Packages)
            .Concat(LocaleSupport.NeedsLocalesPackage(spec.Locale) ? ["locales"] : [])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [DebianDefaults.ComponentsOption] = string.Join(',', DebianSettings.Components(spec)),
            [DebianDefaults.VariantOption] = DebianSettings.Variant(spec),
        };
        return new BaseSpec(
            distroName,
            spec.Release ?? DebianDefaults.Release,
            (spec.Mirror ?? DebianDefaults.Mirror).TrimEnd('/'),
            DebianDefaults.Architecture,
            packages,
            options);
    }

    /// <summary>The components of a described base.</summary>
    public static string Components(BaseSpec spec) =>
        spec.Options.TryGetValue(DebianDefaults.ComponentsOption, out var components) ? components : string.Join(',', DebianDefaults.Components);

    /// <summary>The debootstrap variant of a described base.</summary>
    public static string Variant(BaseSpec spec) =>
        spec.Options.TryGetValue(DebianDefaults.VariantOption, out var variant) ? variant : DebianDefaults.Variant;
}
