using System.Globalization;
using System.Text.RegularExpressions;

namespace Diskless.Cli.Configuration;

/// <summary>A duration as people write it: <c>"300s"</c>, <c>"5m"</c>, <c>"1h"</c>, <c>"1m30s"</c>, or a plain number of seconds.</summary>
/// <param name="Value">The duration.</param>
public readonly partial record struct DurationValue(TimeSpan Value)
{
    /// <summary>The forms <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string AcceptedForms = "a number of seconds or a string such as \"300s\", \"5m\", \"1h\" or \"1m30s\"";

    /// <summary>Reads a duration; false when it is empty, malformed or uses an unknown unit.</summary>
    public static bool TryParse(string? text, out DurationValue duration)
    {
        duration = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = new DurationValue(TimeSpan.FromSeconds(seconds));
            return true;
        }

        var total = TimeSpan.Zero;
        var position = 0;
        foreach (Match part in Part().Matches(text))
        {
            if (part.Index != position)
            {
                return false;
            }

            position += part.Length;
            var number = double.Parse(part.Groups["number"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }

        if (position != text.Length)
        {
            return false;
        }

        duration = new DurationValue(total);
        return true;
    }

    /// <summary>The duration in the form <see cref="TryParse"/> reads, e.g. <c>5m</c> or <c>90s</c>.</summary>
    public override string ToString() =>
        Value.TotalSeconds % 60 == 0 && Value > TimeSpan.Zero
            ? ((long)Value.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m"
            : Value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    [GeneratedRegex(@"(?<number>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
