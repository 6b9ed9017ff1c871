using System.Text.RegularExpressions;
using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Validation;

/// <summary>Checks the <c>[distro]</c> keys a Debian machine reads; every problem is reported, not just the first.</summary>
internal static partial class DebianSpecValidator
{
    private static readonly string[] MirrorSchemes = ["http", "https", "file"];

    public static IReadOnlyList<SpecIssue> Validate(DistroSpec spec)
    {
        var issues = new List<SpecIssue>();
        var at = spec.Location;
        CheckRelease(spec.Release, at, issues);
        CheckMirror(spec.Mirror, at, issues);
        foreach (var package in spec.Packages.Where(p => !PackageName().IsMatch(p)))
        {
            issues.Add(new SpecIssue(
                $"'{package}' is not a Debian package name in [distro] packages",
                at,
                "package names are lower case letters, digits and + - . (e.g. \"build-essential\")"));
        }

        if (!DistroKeys.IsUserName(spec.User))
        {
            issues.Add(new SpecIssue($"'{spec.User}' is not a valid user name for [distro] user", at, "use lower case letters, digits, '_' and '-', starting with a letter (e.g. \"diskless\")"));
        }

        if (!Locale().IsMatch(spec.Locale))
        {
            issues.Add(new SpecIssue($"'{spec.Locale}' is not a locale this plugin can set up for [distro] locale", at, "use C.UTF-8 or a UTF-8 locale such as \"en_US.UTF-8\""));
        }

        if (!Timezone().IsMatch(spec.Timezone))
        {
            issues.Add(new SpecIssue($"'{spec.Timezone}' is not a time zone name for [distro] timezone", at, "use a name from /usr/share/zoneinfo such as \"UTC\" or \"Europe/Berlin\""));
        }

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

    private static void CheckMirror(string? mirror, SourceLocation? at, List<SpecIssue> issues)
    {
        if (mirror is null)
        {
            return;
        }

        // Uri forgives blanks and a final newline, which would split the mirror's line in sources.list.
        if (mirror.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !Uri.TryCreate(mirror, UriKind.Absolute, out var uri)
            || !MirrorSchemes.Contains(uri.Scheme, StringComparer.Ordinal))
        {
            issues.Add(new SpecIssue($"'{mirror}' is not an http(s) URL in [distro] mirror", at, $"e.g. \"{DebianDefaults.Mirror}\""));
        }
    }

    private static void CheckSetting(string key, SpecValue value, List<SpecIssue> issues)
    {
        switch (key)
        {
            case DebianDefaults.ComponentsOption:
                var components = DebianSettings.AsStrings(value.Value);
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
                    issues.Add(new SpecIssue($"unknown debootstrap variant {Show(value.Value)} in [distro] variant", value.Location, hint));
                }

                break;
            default:
                issues.Add(new SpecIssue(
                    $"unknown key '{key}' in [distro] for debian",
                    value.Location,
                    Suggestions.DidYouMean(key, [.. DebianSettings.KnownKeys, .. DistroKeys.HostKeys])
                        ?? $"the debian plugin reads {string.Join(", ", DebianSettings.KnownKeys)} besides {string.Join(", ", DistroKeys.HostKeys)}"));
                break;
        }
    }

    private static string Show(object value) => value is string s ? $"'{s}'" : value.ToString() ?? "";

    // \z, not $: in .NET $ also matches before a final newline, and "git\n" is no package name.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+\z")]
    private static partial Regex PackageName();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\z")]
    private static partial Regex ReleaseName();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex Component();

    [GeneratedRegex(@"^(C|POSIX|C\.UTF-8|C\.utf8|[a-z]{2,3}_[A-Z]{2}\.(UTF-8|utf8)(@[a-z]+)?)\z")]
    private static partial Regex Locale();

    [GeneratedRegex(@"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*\z")]
    private static partial Regex Timezone();
}
