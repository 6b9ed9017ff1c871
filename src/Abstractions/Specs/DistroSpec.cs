namespace Diskless.Abstractions;

/// <summary>The <c>[distro]</c> table.</summary>
/// <param name="Name">The distro plugin's name ("debian", "arch").</param>
/// <param name="Release">The release ("bookworm"); null for the plugin's default.</param>
/// <param name="Mirror">The package mirror URL; null for the plugin's default.</param>
/// <param name="Packages">Extra packages for the base.</param>
/// <param name="User">The login user created in the guest.</param>
/// <param name="Locale">The guest's default locale.</param>
/// <param name="Timezone">The guest's timezone.</param>
/// <param name="Settings">Every other key of the table, validated by the plugin.</param>
/// <param name="Location">Where the table is written; null when defaulted.</param>
public sealed record DistroSpec(
    string Name,
    string? Release,
    string? Mirror,
    IReadOnlyList<string> Packages,
    string User,
    string Locale,
    string Timezone,
    IReadOnlyDictionary<string, SpecValue> Settings,
    SourceLocation? Location);
