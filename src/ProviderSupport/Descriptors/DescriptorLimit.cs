using System.Globalization;

namespace Diskless.ProviderSupport;

/// <summary>A process's RLIMIT_NOFILE; "unlimited" is <see cref="long.MaxValue"/>.</summary>
/// <param name="Soft">The limit that binds: open(2) fails with EMFILE past it.</param>
/// <param name="Hard">How far the process itself may raise <paramref name="Soft"/>.</param>
public sealed record DescriptorLimit(long Soft, long Hard)
{
    /// <summary>"2000:2000", as prlimit's --nofile takes it.</summary>
    public string PrlimitValue => $"{Soft.ToString(CultureInfo.InvariantCulture)}:{Hard.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The "Max open files" line of a /proc/PID/limits text; null when there is none (a process that exited while it
    /// was read, a kernel that words it otherwise).
    /// </summary>
    public static DescriptorLimit? ParseProcLimits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 2 && Value(fields[0]) is { } soft && Value(fields[1]) is { } hard ? new DescriptorLimit(soft, hard) : null;
        }

        return null;
    }

    private static long? Value(string field) =>
        field == "unlimited" ? long.MaxValue
        : long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : null;
}
