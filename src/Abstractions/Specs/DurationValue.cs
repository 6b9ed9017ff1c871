using System.Globalization;
using System.Text.RegularExpressions;

namespace Diskless.Abstractions;

/// <summary>
/// A duration as a Disklessfile writes it: <c>"300s"</c>, <c>"5m"</c>, <c>"1h"</c>, <c>"1m30s"</c>, <c>"500ms"</c>,
/// or a plain number of seconds. One grammar for the host's keys and every plugin's, so a duration one key takes
/// is never refused by another.
/// </summary>
/// <param name="Value">The duration.</param>
public readonly partial record struct DurationValue(TimeSpan Value)
{
    /// <summary>The forms <see cref="TryParse"/> and <see cref="TryRead"/> accept, for error messages.</summary>
    public const string AcceptedForms = "a number of seconds or a string such as \"300s\", \"5m\", \"1h\" or \"1m30s\"";

    private const double MaxSeconds = 1e11;

    /// <summary>Reads a duration written as a string; false when it is empty, malformed or uses an unknown unit.</summary>
    /// <param name="text">The text, e.g. <c>"1m30s"</c> or <c>"90"</c>.</param>
    /// <param name="duration">The duration read; default when false is returned.</param>
    public static bool TryParse(string? text, out DurationValue duration)
    {
        duration = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            return TryFromSeconds(whole, out duration);
        }

        var seconds = 0.0;
        var position = 0;
        foreach (Match part in Part().Matches(text))
        {
            if (part.Index != position)
            {
                return false;
            }

            position += part.Length;
            var number = double.Parse(part.Groups["number"].Value, CultureInfo.InvariantCulture);
            seconds += part.Groups["unit"].Value switch
            {
                "ms" => number / 1000,
                "s" => number,
                "m" => number * 60,
                _ => number * 3600,
            };
        }

        return position == text.Length && TryFromSeconds(seconds, out duration);
    }

    /// <summary>
    /// Reads a duration from a setting's value as TOML gives it (see <see cref="SpecValue.Value"/>): an integer or a
    /// float is a number of seconds, a string is read by <see cref="TryParse"/>; false for anything else. A negative
    /// number reads as a negative duration, for the caller's range check to name.
    /// </summary>
    /// <param name="value">The value: a <see cref="long"/>, <see cref="int"/>, <see cref="double"/> or <see cref="string"/>.</param>
    /// <param name="duration">The duration read; default when false is returned.</param>
    public static bool TryRead(object? value, out DurationValue duration)
    {
        if (value is string text)
        {
            return TryParse(text, out duration);
        }

        double? seconds = value switch
        {
            long l => l,
            int i => i,
            double d => d,
            _ => null,
        };
        duration = default;
        return seconds is { } number && TryFromSeconds(number, out duration);
    }

    /// <summary>The duration in the form <see cref="TryParse"/> reads, e.g. <c>5m</c> or <c>90s</c>.</summary>
    public override string ToString() =>
        Value.TotalSeconds % 60 == 0 && Value > TimeSpan.Zero
            ? ((long)Value.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m"
            : Value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    // Beyond a few thousand years TimeSpan overflows; no timeout means that, so it is refused, not thrown on.
    private static bool TryFromSeconds(double seconds, out DurationValue duration)
    {
        var fits = double.IsFinite(seconds) && Math.Abs(seconds) < MaxSeconds;
        duration = fits ? new DurationValue(TimeSpan.FromSeconds(seconds)) : default;
        return fits;
    }

    [GeneratedRegex(@"(?<number>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
