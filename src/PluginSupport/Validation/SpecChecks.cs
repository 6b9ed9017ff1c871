using System.Collections;
using System.Text.RegularExpressions;
using Diskless.Abstractions;

namespace Diskless.PluginSupport.Validation;

/// <summary>The checks of <c>[distro]</c> every distro plugin makes the same way; each adds its problems to a list.</summary>
public static partial class SpecChecks
{
    private static readonly string[] MirrorSchemes = ["http", "https", "file"];

    /// <summary>Package names: lower case letters, digits and + - . (pacman's also _ and @).</summary>
    public static void PackageNames(DistroSpec spec, string distroTitle, string example, bool pacmanNames, List<SpecIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(issues);
        var rule = pacmanNames ? PacmanPackageName() : DebianPackageName();
        foreach (var package in spec.Packages.Where(p => !rule.IsMatch(p)))
        {
            issues.Add(new SpecIssue(
                $"'{package}' is not a {distroTitle} package name in [distro] packages",
                spec.Location,
                $"package names are lower case letters, digits and + - . (e.g. \"{example}\")"));
        }
    }

    /// <summary>The mirror: an http(s) or file URL with no blank (a blank would split the line it is written on).</summary>
    public static void Mirror(string? mirror, string example, SourceLocation? at, List<SpecIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (mirror is null)
        {
            return;
        }

        // Uri forgives blanks and a final newline, which would split the mirror's line in sources.list or mirrorlist.
        if (mirror.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !Uri.TryCreate(mirror, UriKind.Absolute, out var uri)
            || !MirrorSchemes.Contains(uri.Scheme, StringComparer.Ordinal))
        {
            issues.Add(new SpecIssue($"'{mirror}' is not an http(s) URL in [distro] mirror", at, $"e.g. \"{example}\""));
        }
    }

    /// <summary>The login user, locale and time zone.</summary>
    public static void UserLocaleTimezone(DistroSpec spec, List<SpecIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(issues);
        var at = spec.Location;
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
    }

    /// <summary>An unknown key of <c>[distro]</c>, with the closest known one as a hint.</summary>
    public static SpecIssue UnknownKey(string key, SpecValue value, string distroName, IReadOnlyList<string> pluginKeys)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(pluginKeys);
        return new SpecIssue(
            $"unknown key '{key}' in [distro] for {distroName}",
            value.Location,
            Suggestions.DidYouMean(key, [.. pluginKeys, .. DistroKeys.HostKeys])
                ?? $"the {distroName} plugin reads {string.Join(", ", pluginKeys)} besides {string.Join(", ", DistroKeys.HostKeys)}");
    }

    /// <summary>The strings of a TOML array (items may be wrapped in <see cref="SpecValue"/>); null when it is not an array of strings.</summary>
    public static IReadOnlyList<string>? AsStrings(object value)
    {
        if (value is string or not IEnumerable)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var item in (IEnumerable)value)
        {
            var unwrapped = item is SpecValue inner ? inner.Value : item;
            if (unwrapped is not string s)
            {
                return null;
            }

            result.Add(s);
        }

        return result;
    }

    /// <summary>A value as a message shows it.</summary>
    public static string Show(object value) => value is string s ? $"'{s}'" : value?.ToString() ?? "";

    // \z, not $: in .NET $ also matches before a final newline, and "git\n" is no package name.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+\z")]
    private static partial Regex DebianPackageName();

    [GeneratedRegex(@"^[a-z0-9@_+][a-z0-9@._+-]*\z")]
    private static partial Regex PacmanPackageName();

    [GeneratedRegex(@"^(C|POSIX|C\.UTF-8|C\.utf8|[a-z]{2,3}_[A-Z]{2}\.(UTF-8|utf8)(@[a-z]+)?)\z")]
    private static partial Regex Locale();

    [GeneratedRegex(@"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*\z")]
    private static partial Regex Timezone();
}
