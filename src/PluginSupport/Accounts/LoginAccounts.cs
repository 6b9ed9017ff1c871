using Diskless.Abstractions;

namespace Diskless.PluginSupport.Accounts;

/// <summary>
/// Adds the login user to the guest's account files the way <c>useradd -m -s /bin/bash -G ADMIN-GROUP</c> would, by
/// editing the files on the host: once the guest has run, its useradd is the guest's program and never runs on
/// the host (see DESIGN.md, "Privilege and isolation"). Pure: reads <see cref="AccountFiles"/>, returns new contents.
/// </summary>
public static class LoginAccounts
{
    /// <summary>The range useradd allocates from (UID_MIN/UID_MAX of Debian's and Arch's login.defs, minus the last id).</summary>
    private const int FirstId = 1000;
    private const int LastId = 59999;

    public const string ShadowGroup = "shadow";
    public const string Shell = "/bin/bash";

    public static LoginAccountChanges Plan(string user, AccountFiles files, string adminGroup)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!DistroKeys.IsUserName(user))
        {
            throw new DisklessException($"'{user}' is not a valid user name for [distro] user.", "Use lower case letters, digits, '_' and '-', starting with a letter.");
        }

        var passwd = AccountTable.Parse(files.Passwd, 7);
        var group = AccountTable.Parse(files.Group, 4);
        var shadow = files.Shadow is null ? null : AccountTable.Parse(files.Shadow, 9);
        var gshadow = files.Gshadow is null ? null : AccountTable.Parse(files.Gshadow, 4);

        var existing = passwd.Find(user);
        var account = existing >= 0 ? Existing(PasswdEntry.From(passwd, existing)) : Add(user, passwd, group, shadow, gshadow);
        if (user != "root")
        {
            // What -G does: the user is a member of the group sudoers lets in (besides our own sudoers.d file).
            group.AddMember(adminGroup, 3, user);
            gshadow?.AddMember(adminGroup, 3, user);
        }

        if (shadow is not null && shadow.Find(user) < 0)
        {
            shadow.Add(LockedShadow(user));
        }

        var shadowGroup = group.Find(ShadowGroup);
        var shadowGid = shadowGroup >= 0 ? group.Id(shadowGroup, 2) : 0;
        IReadOnlyList<AccountTable> changed = new[] { passwd, group, shadow, gshadow }.OfType<AccountTable>().Where(t => t.Changed).ToList();
        return new LoginAccountChanges(account, changed, shadowGid);
    }

    private static LoginAccount Existing(PasswdEntry entry) => new(entry.Name, entry.Uid, entry.Gid, entry.Home, IsNew: false);

    private static LoginAccount Add(string user, AccountTable passwd, AccountTable group, AccountTable? shadow, AccountTable? gshadow)
    {
        var uid = FirstFree(passwd.Ids(2), FirstId, passwd);
        int gid;
        var ownGroup = group.Find(user);
        if (ownGroup >= 0)
        {
            gid = group.Id(ownGroup, 2);
        }
        else
        {
            // useradd's user private group: the uid's number when that gid is free.
            var gids = group.Ids(2);
            gid = gids.Contains(uid) ? FirstFree(gids, FirstId, group) : uid;
            group.Add(user, "x", Id(gid), "");
            if (gshadow is not null && gshadow.Find(user) < 0)
            {
                gshadow.Add(user, "!", "", "");
            }
        }

        var home = $"/home/{user}";
        passwd.Add(user, "x", Id(uid), Id(gid), "", home, Shell);
        // A stale shadow line of a user removed by hand would carry its old password: the new user starts locked.
        shadow?.RemoveAll(user);
        return new LoginAccount(user, uid, gid, home, IsNew: true);
    }

    /// <summary>A locked password ("!": no password logs in; keys do) and no password ageing (empty fields).</summary>
    private static string[] LockedShadow(string user) => [user, "!", "", "", "", "", "", "", ""];

    private static int FirstFree(IReadOnlySet<int> used, int from, AccountTable table)
    {
        for (var id = from; id <= LastId; id++)
        {
            if (!used.Contains(id))
            {
                return id;
            }
        }

        throw new DisklessException($"The machine's {table.File.GuestPath} has no free id between {FirstId} and {LastId} for the login user.", "Remove unused accounts from inside the guest, or `diskless destroy` the machine.");
    }

    private static string Id(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
