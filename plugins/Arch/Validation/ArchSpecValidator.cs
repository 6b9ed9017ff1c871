using System.Text.RegularExpressions;
using Diskless.Abstractions;
using Diskless.PluginSupport.Validation;

namespace Diskless.Plugins.Arch.Validation;

/// <summary>Checks the <c>[distro]</c> keys an Arch machine reads; every problem is reported, not just the first.</summary>
internal static partial class ArchSpecValidator
{
    public static IReadOnlyList<SpecIssue> Validate(DistroSpec spec)
    {
        var issues = new List<SpecIssue>();
        if (spec.Release is { } release)
        {
            issues.Add(new SpecIssue(
                $"Arch has no releases, so [distro] release = '{release}' means nothing",
                spec.Location,
                "remove it: Arch is a rolling release; a base is rebuilt from the mirror each calendar month"));
        }

        SpecChecks.Mirror(spec.Mirror, ArchDefaults.Mirror, spec.Location, issues);
        if (spec.Mirror is { } mirror && !mirror.Contains("$repo", StringComparison.Ordinal))
        {
            issues.Add(new SpecIssue($"the mirror '{mirror}' names no repository in [distro] mirror", spec.Location, $"write it as pacman's mirrorlist does, with $repo (and $arch), e.g. \"{ArchDefaults.Mirror}\""));
        }

        SpecChecks.PackageNames(spec, "Arch", "base-devel", pacmanNames: true, issues);
        SpecChecks.UserLocaleTimezone(spec, issues);
        foreach (var (key, value) in spec.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            CheckSetting(key, value, issues);
        }

        return issues;
    }

    private static void CheckSetting(string key, SpecValue value, List<SpecIssue> issues)
    {
        switch (key)
        {
            case ArchDefaults.InitramfsOption:
                CheckInitramfs(value, issues);
                break;
            case ArchDefaults.RepositoriesOption:
                var repositories = SpecChecks.AsStrings(value.Value);
                if (repositories is null || repositories.Count == 0 || !repositories.All(r => RepositoryName().IsMatch(r)))
                {
                    issues.Add(new SpecIssue("[distro] repositories must be a list of pacman repository names", value.Location, "e.g. repositories = [\"core\", \"extra\"]"));
                }

                break;
            case ArchDefaults.CheckSignaturesOption:
                if (value.Value is not bool check)
                {
                    issues.Add(new SpecIssue($"[distro] check_signatures must be true or false, not {SpecChecks.Show(value.Value)}", value.Location, "leave it out: signatures are checked"));
                }
                else if (!check)
                {
                    issues.Add(new SpecIssue(
                        "[distro] check_signatures = false: pacman installs the base's packages without checking their signatures",
                        value.Location,
                        "only for a local test repository you built yourself; never for a mirror on a network") { IsWarning = true });
                }

                break;
            default:
                issues.Add(SpecChecks.UnknownKey(key, value, "arch", ArchSettings.KnownKeys));
                break;
        }
    }

    private static void CheckInitramfs(SpecValue value, List<SpecIssue> issues)
    {
        switch (value.Value)
        {
            case ArchDefaults.Mkinitcpio:
                return;
            case ArchDefaults.Booster:
                issues.Add(new SpecIssue(
                    "[distro] initramfs = \"booster\": upstream booster mounts only block devices, so its initramfs cannot mount a virtiofs or 9p root",
                    value.Location,
                    "use a booster built with virtiofs support (the open pull request anatol/booster#298), or initramfs = \"mkinitcpio\"") { IsWarning = true });
                return;
            case ArchDefaults.Dracut:
                issues.Add(new SpecIssue(
                    "[distro] initramfs = \"dracut\" is not supported: dracut names its image after the kernel version (/boot/initramfs-<version>.img), which Diskless cannot know before the base is built and which changes with every kernel update",
                    value.Location,
                    "use initramfs = \"mkinitcpio\" (the default) or \"booster\""));
                return;
            default:
                var hint = value.Value is string s && Suggestions.DidYouMean(s, [.. ArchSettings.Generators, ArchDefaults.Dracut]) is { } h
                    ? h
                    : "use \"mkinitcpio\" (the default) or \"booster\"";
                issues.Add(new SpecIssue($"unknown initramfs generator {SpecChecks.Show(value.Value)} in [distro] initramfs", value.Location, hint));
                return;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z")]
    private static partial Regex RepositoryName();
}
