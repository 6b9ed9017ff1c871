using System.Globalization;

namespace Diskless.Cli.Isolation;

/// <summary>Who Diskless runs as on the host: the name and ids /etc/subuid and /etc/subgid are looked up by.</summary>
public sealed record HostIdentity(string Name, long Uid, long Gid)
{
    /// <summary>Whether this is root, who writes namespace maps itself instead of going through newuidmap.</summary>
    public bool IsRoot => Uid == 0;

    /// <summary>The identity of this process (its real uid and gid, as /proc/self/status reports them).</summary>
    public static HostIdentity Current()
    {
        var status = File.ReadAllLines("/proc/self/status");
        return new HostIdentity(Environment.UserName, Field(status, "Uid:"), Field(status, "Gid:"));
    }

    /// <summary>
    /// This process's real uid alone: what owns its folders. Cheaper than <see cref="Current"/>, whose user name asks the
    /// name service (nsswitch.conf, /etc/passwd), a few milliseconds of every command's start-up.
    /// </summary>
    public static long CurrentUid() => Field(File.ReadAllLines("/proc/self/status"), "Uid:");

    // "Uid:\treal\teffective\tsaved\tfilesystem"
    private static long Field(string[] status, string name)
    {
        var line = status.First(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
