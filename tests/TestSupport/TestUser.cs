using System.Globalization;

namespace Diskless.Testing;

/// <summary>
/// The ordinary host account scripts/test creates for tests that act as somebody else: not root, no sudo rights, a uid
/// other than 1000 (the guest user's usual uid, which would hide a missing mapping), and a subordinate id range.
/// </summary>
public static class TestUser
{
    /// <summary>The account's name; scripts/test-user.sh creates it.</summary>
    public const string Name = "diskless-tester";

    /// <summary>The account's uid from /etc/passwd; null when it does not exist.</summary>
    public static int? Uid()
    {
        if (!File.Exists("/etc/passwd"))
        {
            return null;
        }

        var fields = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[0] == Name);
        return fields is null ? null : int.Parse(fields[2], CultureInfo.InvariantCulture);
    }

    /// <summary>runuser's argv that runs <paramref name="program"/> as the test user (root only), with a clean environment.</summary>
    public static string[] Run(string program, params string[] arguments) => ["runuser", "-u", Name, "--", program, .. arguments];
}
