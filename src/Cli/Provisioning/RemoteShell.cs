using System.Text;
using Diskless.Abstractions;
using Diskless.Cli.Configuration;

namespace Diskless.Cli.Provisioning;

/// <summary>Builds the command lines provisioners send to the guest's login shell.</summary>
public static class RemoteShell
{
    /// <summary>
    /// A command that runs <paramref name="script"/> with bash, after exporting <paramref name="environment"/>; through
    /// <c>sudo -H</c> when <paramref name="privileged"/> and the login user is not already root. Every value is
    /// single-quoted, so nothing in it is expanded by either shell.
    /// </summary>
    public static string Bash(string script, IReadOnlyDictionary<string, string> environment, bool privileged, string loginUser, SourceLocation? location)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = new StringBuilder();
        foreach (var (name, value) in environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!NameRules.IsEnvironmentName(name))
            {
                throw new DisklessException(
                    $"{(location is null ? "" : location + ": ")}environment variable name {ShellQuoting.Quote(name)} is not a shell identifier",
                    "Use letters, digits and underscores, not starting with a digit (e.g. APP_ENV).",
                    ExitCodes.InvalidConfiguration);
            }

            text.Append("export ").Append(name).Append('=').Append(ShellQuoting.Quote(value)).Append('\n');
        }

        text.Append(script);
        return Elevate(privileged, loginUser) + "bash -c " + ShellQuoting.Quote(text.ToString());
    }

    /// <summary>"sudo -H " when a privileged command must be elevated for <paramref name="loginUser"/>, else "".</summary>
    public static string Elevate(bool privileged, string loginUser) => privileged && loginUser != "root" ? "sudo -H " : "";
}
