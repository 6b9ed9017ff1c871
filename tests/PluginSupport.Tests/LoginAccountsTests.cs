using Diskless.Abstractions;
using Diskless.PluginSupport.Accounts;

namespace Diskless.PluginSupport.Tests;

/// <summary>The login user written into the account files as useradd would, for Debian's and Arch's conventions.</summary>
public sealed class LoginAccountsTests
{
    private static AccountFiles Files(string group, string? shadow = "root:*:20000::::::\n") => new(
        new RootFile("/etc/passwd", "root:x:0:0::/root:/bin/bash\n", UnixFileMode.UserRead | UnixFileMode.UserWrite),
        new RootFile("/etc/group", group, UnixFileMode.UserRead | UnixFileMode.UserWrite),
        shadow is null ? null : new RootFile("/etc/shadow", shadow, UnixFileMode.UserRead | UnixFileMode.UserWrite),
        null);

    [Theory]
    [InlineData("sudo", "root:x:0:\nsudo:x:27:\nshadow:x:42:\n", "sudo:x:27:dev", 42)]
    [InlineData("wheel", "root:x:0:root\nwheel:x:998:\n", "wheel:x:998:dev", 0)]
    public void The_user_joins_the_distros_admin_group_and_gets_uid_1000_with_its_own_group(string adminGroup, string group, string adminLine, int shadowGid)
    {
        var changes = LoginAccounts.Plan("dev", Files(group), adminGroup);

        Assert.Equal(new LoginAccount("dev", 1000, 1000, "/home/dev", IsNew: true), changes.Account);
        Assert.Equal(shadowGid, changes.ShadowGid);
        var files = changes.ChangedFiles.ToDictionary(t => t.File.GuestPath, t => t.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("dev:x:1000:1000::/home/dev:/bin/bash", files["/etc/passwd"]);
        Assert.Contains(adminLine, files["/etc/group"]);
        Assert.Contains("dev:x:1000:", files["/etc/group"]);
        Assert.Contains("dev:!:::::::", files["/etc/shadow"]);
    }

    [Fact]
    public void A_name_useradd_would_refuse_never_reaches_the_files()
    {
        var error = Assert.Throws<DisklessException>(() => LoginAccounts.Plan("dev\nroot::0:0", Files("root:x:0:\n"), "wheel"));

        Assert.Contains("not a valid user name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_line_the_guest_broke_is_named_not_rewritten()
    {
        var error = Assert.Throws<DisklessException>(() => LoginAccounts.Plan("dev", Files("root:x:0\n"), "wheel"));

        Assert.Contains("/etc/group line 1", error.Message, StringComparison.Ordinal);
    }
}
