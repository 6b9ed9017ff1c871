namespace Diskless.Abstractions;

/// <summary>The rules every provider's <c>[provider]</c> keys follow alike, so two providers word and bound them the same.</summary>
public static class ProviderSettingRules
{
    /// <summary>A halt that waits longer than this is a typo (a number of minutes taken for seconds, say).</summary>
    public static readonly TimeSpan MaxGracefulTimeout = TimeSpan.FromDays(1);

    /// <summary>Reads <c>graceful_timeout</c>: a duration longer than zero and shorter than a day; otherwise the issue at its line.</summary>
    public static bool TryReadGracefulTimeout(SpecValue value, out TimeSpan timeout, out SpecIssue? issue)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (DurationValue.TryRead(value.Value, out var duration) && duration.Value > TimeSpan.Zero && duration.Value < MaxGracefulTimeout)
        {
            (timeout, issue) = (duration.Value, null);
            return true;
        }

        (timeout, issue) = (TimeSpan.Zero, new SpecIssue($"graceful_timeout must be longer than zero and shorter than a day: {DurationValue.AcceptedForms}", value.Location));
        return false;
    }

    /// <summary>An unknown key of provider <paramref name="provider"/>, with the closest of <paramref name="keys"/> or the list of them.</summary>
    public static SpecIssue UnknownKey(string key, string provider, IReadOnlyList<string> keys, SourceLocation? location)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var suggestion = Suggestions.Closest(key, keys);
        return new SpecIssue(
            $"unknown key '{key}' in [provider] for the {provider} provider",
            location,
            suggestion is null ? $"known keys: name, accel, {string.Join(", ", keys)}" : $"did you mean '{suggestion}'?");
    }
}
