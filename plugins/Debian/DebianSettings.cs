using Diskless.Abstractions;
using Diskless.PluginSupport.Validation;

namespace Diskless.Plugins.Debian;

/// <summary>Reads the Debian-specific keys of <c>[distro]</c> (<see cref="DistroSpec.Settings"/>), defaults applied.</summary>
internal static class DebianSettings
{
    public static IReadOnlyList<string> KnownKeys { get; } = [DebianDefaults.ComponentsOption, DebianDefaults.VariantOption];

    public static IReadOnlyList<string> KnownVariants { get; } = ["minbase", "buildd", "standard"];

    /// <summary>The archive components, e.g. main, contrib, non-free-firmware; the default when absent or malformed.</summary>
    public static IReadOnlyList<string> Components(DistroSpec spec) =>
        spec.Settings.TryGetValue(DebianDefaults.ComponentsOption, out var value) && SpecChecks.AsStrings(value.Value) is { Count: > 0 } list
            ? list
            : DebianDefaults.Components;

    /// <summary>The debootstrap variant; "standard" means debootstrap's own default (required and important packages).</summary>
    public static string Variant(DistroSpec spec) =>
        spec.Settings.TryGetValue(DebianDefaults.VariantOption, out var value) && value.Value is string s ? s : DebianDefaults.Variant;
}
