using System.Text.RegularExpressions;
using Diskless.Abstractions;
using Diskless.PluginSupport.Validation;

namespace Diskless.Plugins.Debian.Validation;

/// <summary>Checks the <c>[distro]</c> keys a Debian machine reads; every problem is reported, not just the first.</summary>
internal static partial class DebianSpecValidator
{
    public static IReadOnlyList<SpecIssue> Validate(DistroSpec spec)
    {
        var issues = new List<SpecIssue>();
        CheckRelease(spec.Release, spec.Location, issues);
        SpecChecks.Mirror(spec.Mirror, DebianDefaults.Mirror, spec.Location, issues);
        SpecChecks.PackageNames(spec, "Debian", "build-essential", pacmanNames: false, issues);
        SpecChecks.UserLocaleTimezone(spec, issues);
        foreach (var (key, value) in spec.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            CheckSetting(key, value, issues);
        }

        return issues;
    }

    private static void CheckRelease(string? release, SourceLocation? at, List<SpecIssue> issues)
    {
        if (release is null || DebianDefaults.KnownReleases.Contains(release, StringComparer.Ordinal))
        {
            return;
        }

        if (!ReleaseName().IsMatch(release))
        {
            issues.Add(new SpecIssue($"'{release}' is not a Debian release name in [distro] release", at, "use a code name such as \"bookworm\" or \"trixie\""));
        }
        else if (Suggestions.Closest(release, DebianDefaults.KnownReleases) is { } suggestion)
        {
            // Unknown names are allowed (a release newer than this plugin); near-misses of known ones are typos.
            issues.Add(new SpecIssue($"unknown Debian release '{release}' in [distro] release", at, $"did you mean '{suggestion}'?"));
        }
    }

    private static void CheckSetting(string key, SpecValue value, List<SpecIssue> issues)
    {
        switch (key)
        {
            case DebianDefaults.ComponentsOption:
                var components = SpecChecks.AsStrings(value.Value);
                if (components is null || components.Count == 0 || !components.All(c => Component().IsMatch(c)))
                {
                    issues.Add(new SpecIssue("[distro] components must be a list of archive components", value.Location, "e.g. components = [\"main\", \"non-free-firmware\"]"));
                }

                break;
            case DebianDefaults.VariantOption:
                if (value.Value is not string variant || !DebianSettings.KnownVariants.Contains(variant, StringComparer.Ordinal))
                {
                    var hint = value.Value is string s && Suggestions.DidYouMean(s, DebianSettings.KnownVariants) is { } h
                        ? h
                        : $"use one of {string.Join(", ", DebianSettings.KnownVariants.Select(v => $"\"{v}\""))}";
                    issues.Add(new SpecIssue($"unknown debootstrap variant {SpecChecks.Show(value.Value)} in [distro] variant", value.Location, hint));
                }

                break;
            default:
                issues.Add(SpecChecks.UnknownKey(key, value, "debian", DebianSettings.KnownKeys));
                break;
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\z")]
    private static partial Regex ReleaseName();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex Component();
}
