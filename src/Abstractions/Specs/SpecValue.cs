namespace Diskless.Abstractions;

/// <summary>
/// A plugin-specific Disklessfile value with where it was written, so a plugin's validation can point at it.
/// <see cref="Value"/> is a string, long, double, bool, a list of these, or a nested dictionary of SpecValue.
/// </summary>
/// <param name="Value">The value as TOML gave it.</param>
/// <param name="Location">Where the value is written.</param>
public sealed record SpecValue(object Value, SourceLocation Location);
