namespace Diskless.Abstractions;

/// <summary>
/// Everything that determines a base root filesystem. The host hashes it (with the plugin's name and
/// version) into the cache key, so two machines with equal BaseSpecs share one base.
/// </summary>
/// <param name="Distro">The distro plugin's name.</param>
/// <param name="Release">The release, defaults applied.</param>
/// <param name="Mirror">The mirror, defaults applied.</param>
/// <param name="Architecture">The architecture in the distro's own spelling ("amd64", "x86_64").</param>
/// <param name="Packages">The full sorted package set, the plugin's own plus the user's.</param>
/// <param name="Options">Any other input that changes the result (components, variant…), sorted by key.</param>
public sealed record BaseSpec(
    string Distro,
    string Release,
    string Mirror,
    string Architecture,
    IReadOnlyList<string> Packages,
    IReadOnlyDictionary<string, string> Options);
