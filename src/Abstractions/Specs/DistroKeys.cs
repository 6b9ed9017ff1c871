using System.Text.RegularExpressions;

namespace Diskless.Abstractions;

/// <summary>
/// The keys of <c>[distro]</c> the host reads into <see cref="DistroSpec"/>, and the rule for its login user name: one
/// place for the host's reader and every distro plugin's validator (a plugin's own keys land in
/// <see cref="DistroSpec.Settings"/>, and a typo of a host key lands there too).
/// </summary>
public static partial class DistroKeys
{
    /// <summary>The keys the host reads: name, release, mirror, packages, user, locale, timezone.</summary>
    public static IReadOnlyList<string> HostKeys { get; } = ["name", "release", "mirror", "packages", "user", "locale", "timezone"];

    /// <summary>What a valid user name looks like, for hints.</summary>
    public const string UserNameRule = "start with a lowercase letter or underscore, then lowercase letters, digits, '_' or '-', at most 32 characters";

    /// <summary>Whether <paramref name="name"/> is a portable Linux user name (useradd's default rule).</summary>
    public static bool IsUserName(string name) => UserName().IsMatch(name);

    // \z, not $: in .NET $ also matches before a final newline, which would let "dev\n" into sudoers.
    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserName();
}
