using Diskless.Abstractions;
using Diskless.PluginSupport.Validation;

namespace Diskless.Plugins.Arch;

/// <summary>Reads the Arch keys of <c>[distro]</c> (<see cref="DistroSpec.Settings"/>), defaults applied.</summary>
internal static class ArchSettings
{
    public static IReadOnlyList<string> KnownKeys { get; } = [ArchDefaults.InitramfsOption, ArchDefaults.RepositoriesOption, ArchDefaults.CheckSignaturesOption];

    /// <summary>The generators a machine can use; dracut is known only to be refused with its reason.</summary>
    public static IReadOnlyList<string> Generators { get; } = [ArchDefaults.Mkinitcpio, ArchDefaults.Booster];

    /// <summary>The mirror as a mirrorlist Server line, without a final slash.</summary>
    public static string Mirror(DistroSpec spec) => (spec.Mirror ?? ArchDefaults.Mirror).TrimEnd('/');

    public static string Initramfs(DistroSpec spec) =>
        spec.Settings.TryGetValue(ArchDefaults.InitramfsOption, out var value) && value.Value is string s ? s : ArchDefaults.Mkinitcpio;

    public static IReadOnlyList<string> Repositories(DistroSpec spec) =>
        spec.Settings.TryGetValue(ArchDefaults.RepositoriesOption, out var value) && SpecChecks.AsStrings(value.Value) is { Count: > 0 } list
            ? list
            : ArchDefaults.Repositories;

    public static bool CheckSignatures(DistroSpec spec) =>
        !spec.Settings.TryGetValue(ArchDefaults.CheckSignaturesOption, out var value) || value.Value is not false;
}
