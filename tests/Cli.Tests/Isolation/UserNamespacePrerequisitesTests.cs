using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Testing;

namespace Diskless.Cli.Tests.Isolation;

public sealed class UserNamespacePrerequisitesTests
{
    private static readonly HostIdentity User = new("dltest", 1500, 1500);
    private static readonly HostIdentity Root = new("root", 0, 0);

    private readonly FakeIsolationProbe _host = new();

    private UserNamespacePrerequisites Checks => new(_host);

    [Fact]
    public void A_host_with_everything_in_place_has_no_problem()
    {
        Assert.Empty(Checks.FindProblems(User));
        Checks.EnsureMet(User);
    }

    [Fact]
    public void A_user_without_a_subordinate_uid_range_is_told_the_usermod_command()
    {
        _host.Files[SubordinateIds.UidFile] = "other:100000:65536\n";

        var problem = Assert.Single(Checks.FindProblems(User));
        Assert.Contains("dltest has no subordinate uids", problem.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/subuid", problem.Message, StringComparison.Ordinal);
        Assert.Contains("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 dltest", problem.Hint, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotAvailable, problem.ExitCode);
        Assert.Equal(problem.Message, Assert.Throws<DisklessException>(() => Checks.EnsureMet(User)).Message);
    }

    [Fact]
    public void A_range_too_small_or_a_missing_subgid_file_counts_as_no_range()
    {
        _host.Files[SubordinateIds.UidFile] = "dltest:100000:1000\n";
        _host.Files.Remove(SubordinateIds.GidFile);

        var problems = Checks.FindProblems(User).Select(p => p.Message).ToList();

        Assert.Equal(2, problems.Count);
        Assert.Contains("no subordinate uids", problems[0], StringComparison.Ordinal);
        Assert.Contains("no subordinate gids", problems[1], StringComparison.Ordinal);
        Assert.Contains("/etc/subgid", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_listed_by_uid_has_its_range()
    {
        _host.Files[SubordinateIds.UidFile] = "1500:100000:65536\n";

        Assert.Empty(Checks.FindProblems(User));
    }

    [Theory]
    [InlineData("newuidmap")]
    [InlineData("newgidmap")]
    public void A_missing_id_mapper_asks_for_the_uidmap_package(string program)
    {
        _host.Programs.Remove(program);

        var problem = Assert.Single(Checks.FindProblems(User));
        Assert.Contains(program + " is not installed", problem.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install uidmap", problem.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_mapper_without_its_setuid_bit_is_told_to_get_it_back()
    {
        _host.Statuses["/usr/bin/newuidmap"] = new FileStatus(0, 0, (UnixFileMode)0b111_101_101);

        var problem = Assert.Single(Checks.FindProblems(User));
        Assert.Contains("/usr/bin/newuidmap cannot map ids", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", problem.Message, StringComparison.Ordinal);
        Assert.Contains("chmod u+s /usr/bin/newuidmap", problem.Hint, StringComparison.Ordinal);
        Assert.Contains("apt-get install --reinstall uidmap", problem.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setuid_id_mapper_not_owned_by_root_is_no_use()
    {
        _host.Statuses["/usr/bin/newgidmap"] = new FileStatus(1500, 1500, FakeIsolationProbe.SetuidRoot);

        Assert.Contains("/usr/bin/newgidmap cannot map ids", Assert.Single(Checks.FindProblems(User)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_capabilities_instead_of_setuid_are_enough_when_they_grant_the_right_capability()
    {
        var plain = (UnixFileMode)0b111_101_101;
        _host.Statuses["/usr/bin/newuidmap"] = new FileStatus(0, 0, plain);
        _host.Statuses["/usr/bin/newgidmap"] = new FileStatus(0, 0, plain);
        _host.FileCapabilities["/usr/bin/newuidmap"] = FileCapabilitiesTests.Attribute(effective: true, FileCapabilities.SetUid);
        _host.FileCapabilities["/usr/bin/newgidmap"] = FileCapabilitiesTests.Attribute(effective: true, FileCapabilities.SetUid);

        // newgidmap has cap_setuid, but it needs cap_setgid.
        var problem = Assert.Single(Checks.FindProblems(User));
        Assert.Contains("/usr/bin/newgidmap", problem.Message, StringComparison.Ordinal);
        Assert.Contains("cap_setgid", problem.Message, StringComparison.Ordinal);

        _host.FileCapabilities["/usr/bin/newgidmap"] = FileCapabilitiesTests.Attribute(effective: true, FileCapabilities.SetGid);
        Assert.Empty(Checks.FindProblems(User));
    }

    [Fact]
    public void User_namespaces_turned_off_for_everybody_stop_root_too()
    {
        _host.Files[UserNamespacePrerequisites.MaxUserNamespaces] = "0\n";

        foreach (var identity in new[] { User, Root })
        {
            var problem = Assert.Single(Checks.FindProblems(identity));
            Assert.Contains("user.max_user_namespaces is 0", problem.Message, StringComparison.Ordinal);
            Assert.Contains("sysctl -w user.max_user_namespaces=15000", problem.Hint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_debian_switch_for_ordinary_users_counts_only_where_it_exists_and_is_0()
    {
        Assert.Empty(Checks.FindProblems(User));
        _host.Files[UserNamespacePrerequisites.UnprivilegedClone] = "1\n";
        Assert.Empty(Checks.FindProblems(User));

        _host.Files[UserNamespacePrerequisites.UnprivilegedClone] = "0\n";

        var problem = Assert.Single(Checks.FindProblems(User));
        Assert.Contains("kernel.unprivileged_userns_clone is 0", problem.Message, StringComparison.Ordinal);
        Assert.Contains("sysctl -w kernel.unprivileged_userns_clone=1", problem.Hint, StringComparison.Ordinal);
        Assert.Empty(Checks.FindProblems(Root));
    }

    [Fact]
    public void The_apparmor_restriction_is_explained_with_both_ways_out()
    {
        _host.Files[UserNamespacePrerequisites.AppArmorRestriction] = "0\n";
        Assert.Empty(Checks.FindProblems(User));

        _host.Files[UserNamespacePrerequisites.AppArmorRestriction] = "1\n";

        var problem = Assert.Single(Checks.FindProblems(User));
        Assert.Contains("AppArmor restricts user namespaces", problem.Message, StringComparison.Ordinal);
        Assert.Contains("no capabilities", problem.Message, StringComparison.Ordinal);
        Assert.Contains("userns,", problem.Hint, StringComparison.Ordinal);
        Assert.Contains("sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", problem.Hint, StringComparison.Ordinal);
        Assert.Empty(Checks.FindProblems(Root));
    }

    [Fact]
    public void Root_needs_neither_subordinate_ranges_nor_the_id_mappers()
    {
        _host.Files.Remove(SubordinateIds.UidFile);
        _host.Files.Remove(SubordinateIds.GidFile);
        _host.Programs.Clear();

        Assert.Empty(Checks.FindProblems(Root));
        Assert.Equal(4, Checks.FindProblems(User).Count);
    }

    [RequiresFact("newuidmap", "newgidmap", OtherUser = true)]
    public void This_host_meets_them_for_the_test_user_and_the_real_probe_sees_the_setuid_mappers()
    {
        var real = new UserNamespacePrerequisites(new HostIsolationProbe());
        var tester = new HostIdentity(TestUser.Name, TestUser.Uid() ?? 2345, TestUser.Uid() ?? 2345);

        Assert.Empty(real.FindProblems(tester));
        Assert.Empty(real.FindProblems(Root));
        var nobody = real.FindProblems(new HostIdentity("diskless-nobody-has-this-name", 4242424, 4242424));
        Assert.Contains("no subordinate uids", nobody[0].Message, StringComparison.Ordinal);
    }
}
