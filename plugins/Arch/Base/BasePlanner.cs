using System.Globalization;
using Diskless.Abstractions;

namespace Diskless.Plugins.Arch.Base;

/// <summary>Turns a <c>[distro]</c> table into the full description of its base (pure but for the month it is asked in).</summary>
internal static class BasePlanner
{
    /// <summary>
    /// Arch is a rolling release: the base's "release" is the calendar month (UTC) it is built in, so it is part of the
    /// cache key and the first <c>up</c> of a new month builds a fresh base; machines already made keep theirs.
    /// </summary>
    public static BaseSpec Describe(DistroSpec spec, string distroName, DateTimeOffset now)
    {
        var generator = ArchSettings.Initramfs(spec);
        var packages = ArchDefaults.BasePackages
            .Append(generator)
            .Concat(spec.Packages)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ArchDefaults.InitramfsOption] = generator,
            [ArchDefaults.RepositoriesOption] = string.Join(',', ArchSettings.Repositories(spec)),
            [ArchDefaults.CheckSignaturesOption] = ArchSettings.CheckSignatures(spec) ? "true" : "false",
        };
        return new BaseSpec(
            distroName,
            Month(now),
            ArchSettings.Mirror(spec),
            ArchDefaults.Architecture,
            packages,
            options);
    }

    /// <summary>"2026-11": the base's release.</summary>
    public static string Month(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> Repositories(BaseSpec spec) =>
        spec.Options.TryGetValue(ArchDefaults.RepositoriesOption, out var list) ? list.Split(',') : ArchDefaults.Repositories;

    public static bool CheckSignatures(BaseSpec spec) =>
        !spec.Options.TryGetValue(ArchDefaults.CheckSignaturesOption, out var check) || check != "false";
}
