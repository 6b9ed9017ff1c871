namespace Diskless.PluginSupport.Accounts;

/// <summary>One line of /etc/passwd: name:password:uid:gid:gecos:home:shell.</summary>
public sealed record PasswdEntry(string Name, int Uid, int Gid, string Home, string Shell)
{
    /// <summary>The entry of a line <see cref="AccountTable"/> already split; a bad id or home is an error naming the line.</summary>
    public static PasswdEntry From(AccountTable passwd, int index)
    {
        var fields = passwd.Fields(index);
        return new PasswdEntry(fields[0], passwd.Id(index, 2), passwd.Id(index, 3), passwd.GuestPath(index, 5), fields[6]);
    }
}
