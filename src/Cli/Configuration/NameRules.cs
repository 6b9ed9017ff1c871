using System.Text;
using System.Text.RegularExpressions;
using Diskless.Abstractions;

namespace Diskless.Cli.Configuration;

/// <summary>The names a Disklessfile gives: machine names (also guest hostnames), Linux user names, environment variables.</summary>
public static partial class NameRules
{
    /// <summary>What a valid machine name looks like, for hints.</summary>
    public const string HostnameRule = "use lowercase letters, digits and hyphens, at most 63 characters, not starting or ending with a hyphen";

    /// <summary>What a valid user name looks like, for hints (the rule lives with the [distro] keys, which plugins share).</summary>
    public const string UserNameRule = DistroKeys.UserNameRule;

    /// <summary>Whether <paramref name="name"/> is a valid single-label hostname (RFC 1123), lowercase.</summary>
    public static bool IsHostname(string name)
    {
        // By hand rather than a regex: every command checks the machine names, and a first regex (loading and starting
        // System.Text.RegularExpressions) costs about 10 ms of CPU, a sixth of a not-created machine's status.
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 63 || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a portable Linux user name (useradd's default rule).</summary>
    public static bool IsUserName(string name) => DistroKeys.IsUserName(name);

    /// <summary>Whether <paramref name="name"/> can be a shell environment variable name.</summary>
    public static bool IsEnvironmentName(string name) => EnvironmentName().IsMatch(name);

    /// <summary>
    /// Turns a folder name into a hostname: lowercase, runs of other characters become one hyphen, at most 63
    /// characters; "default" when nothing usable is left. "My Project_2" becomes "my-project-2".
    /// </summary>
    public static string ToHostname(string folderName)
    {
        var builder = new StringBuilder();
        foreach (var c in folderName.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var name = builder.ToString();
        name = name[..Math.Min(name.Length, 63)].Trim('-');
        return name.Length == 0 ? "default" : name;
    }

    // \z, not $: in .NET $ also matches before a final newline, which would let "DEV\n" into an environment name.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();
}
