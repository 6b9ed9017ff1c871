namespace Diskless.Plugins.Debian.Configure;

/// <summary>What the planner needs to know about a machine root before changing it (read by <see cref="RootProbe"/>).</summary>
/// <param name="User">The login user's /etc/passwd entry; null when the user does not exist yet.</param>
/// <param name="HasLocaleGen">Whether the locales package (locale-gen) is installed.</param>
/// <param name="SshHostKeyFiles">Guest paths of the host keys already in /etc/ssh (openssh-server's postinst makes some).</param>
internal sealed record RootFacts(PasswdEntry? User, bool HasLocaleGen, IReadOnlyList<string> SshHostKeyFiles);

/// <summary>One line of /etc/passwd.</summary>
internal sealed record PasswdEntry(string Name, int Uid, int Gid, string Home, string Shell)
{
    /// <summary>Parses "name:x:uid:gid:gecos:home:shell"; null for a malformed line.</summary>
    public static PasswdEntry? Parse(string line)
    {
        var fields = line.Split(':');
        return fields.Length >= 7 && int.TryParse(fields[2], out var uid) && int.TryParse(fields[3], out var gid)
            ? new PasswdEntry(fields[0], uid, gid, fields[5], fields[6])
            : null;
    }
}
