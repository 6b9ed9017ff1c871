using System.Globalization;
using System.Text.RegularExpressions;

namespace Diskless.Cli.Configuration;

/// <summary>
/// An amount of memory as people write it: <c>"2GiB"</c>, <c>"1.5GiB"</c>, <c>"512M"</c>, <c>"4GB"</c>, or a plain
/// number of MiB. KiB/MiB/GiB/TiB and their one-letter forms are binary (what guests see); KB/MB/GB/TB are decimal.
/// </summary>
/// <param name="Bytes">The size in bytes.</param>
public readonly partial record struct MemorySize(long Bytes)
{
    /// <summary>The units <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string AcceptedUnits = "KiB, MiB, GiB, TiB (also K, M, G, T), KB, MB, GB, TB, or a plain number of MiB";

    private const long Mebi = 1024L * 1024;

    private static readonly Dictionary<string, decimal> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = 1m,
        ["K"] = 1024m,
        ["KiB"] = 1024m,
        ["M"] = Mebi,
        ["MiB"] = Mebi,
        ["G"] = Mebi * 1024m,
        ["GiB"] = Mebi * 1024m,
        ["T"] = Mebi * 1024m * 1024m,
        ["TiB"] = Mebi * 1024m * 1024m,
        ["KB"] = 1000m,
        ["MB"] = 1000m * 1000m,
        ["GB"] = 1000m * 1000m * 1000m,
        ["TB"] = 1000m * 1000m * 1000m * 1000m,
    };

    /// <summary>The size in whole MiB, rounded down.</summary>
    public long MiB => Bytes / Mebi;

    /// <summary>A size of <paramref name="mebibytes"/> MiB.</summary>
    public static MemorySize FromMiB(long mebibytes) => new(checked(mebibytes * Mebi));

    /// <summary>Reads a size such as <c>"2GiB"</c>; false when the number or unit is not understood.</summary>
    public static bool TryParse(string? text, out MemorySize size)
    {
        size = default;
        var match = text is null ? null : Pattern().Match(text.Trim());
        if (match is null || !match.Success)
        {
            return false;
        }

        var unitText = match.Groups["unit"].Value;
        var multiplier = unitText.Length == 0 ? Mebi : Units.GetValueOrDefault(unitText);
        if (multiplier == 0 || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var bytes = number * multiplier;
        if (bytes > long.MaxValue)
        {
            return false;
        }

        size = new MemorySize((long)decimal.Floor(bytes));
        return true;
    }

    /// <summary>The unit of a size that has the right shape (a number, then letters) but an unknown unit; else null.</summary>
    public static string? UnitOf(string? text)
    {
        var match = text is null ? null : Pattern().Match(text.Trim());
        var unit = match is { Success: true } ? match.Groups["unit"].Value : "";
        return unit.Length > 0 && !Units.ContainsKey(unit) ? unit : null;
    }

    /// <summary>The size in the largest binary unit that divides it, e.g. <c>2GiB</c> or <c>1536MiB</c>.</summary>
    public override string ToString()
    {
        foreach (var (unit, factor) in new[] { ("TiB", Mebi * 1024 * 1024), ("GiB", Mebi * 1024), ("MiB", Mebi), ("KiB", 1024L) })
        {
            if (Bytes != 0 && Bytes % factor == 0)
            {
                return (Bytes / factor).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return Bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    /// <summary>The size rounded for people, e.g. <c>1.2 GiB</c>, <c>340 MiB</c>, <c>12 KiB</c>, <c>0 B</c>.</summary>
    public string Approximate()
    {
        foreach (var (unit, factor) in new[] { ("TiB", Mebi * 1024 * 1024), ("GiB", Mebi * 1024), ("MiB", Mebi), ("KiB", 1024L) })
        {
            if (Math.Abs(Bytes) >= factor)
            {
                var value = (double)Bytes / factor;
                return value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + unit;
            }
        }

        return Bytes.ToString(CultureInfo.InvariantCulture) + " B";
    }

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[A-Za-z]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
