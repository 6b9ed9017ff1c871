using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("dev", true)]
    [InlineData("web-1", true)]
    [InlineData("a", true)]
    [InlineData("Web", false)]
    [InlineData("-web", false)]
    [InlineData("web-", false)]
    [InlineData("my_box", false)]
    [InlineData("web.local", false)]
    [InlineData("", false)]
    [InlineData("dev\n", false)]
    [InlineData("dev\r\n", false)]
    public void Machine_names_must_be_lowercase_hostnames(string name, bool valid)
    {
        Assert.Equal(valid, NameRules.IsHostname(name));
    }

    [Fact]
    public void A_hostname_label_is_at_most_63_characters()
    {
        Assert.True(NameRules.IsHostname(new string('a', 63)));
        Assert.False(NameRules.IsHostname(new string('a', 64)));
    }

    [Theory]
    [InlineData("My Project_2", "my-project-2")]
    [InlineData("shop", "shop")]
    [InlineData("--x--", "x")]
    [InlineData("日本", "default")]
    [InlineData(".hidden", "hidden")]
    public void Folder_names_become_hostnames(string folder, string expected)
    {
        Assert.Equal(expected, NameRules.ToHostname(folder));
    }

    [Fact]
    public void Long_folder_names_are_cut_to_a_valid_hostname()
    {
        var name = NameRules.ToHostname(new string('a', 62) + "-b");

        Assert.Equal(new string('a', 62), name);
        Assert.True(NameRules.IsHostname(name));
    }

    [Theory]
    [InlineData("diskless", true)]
    [InlineData("_svc", true)]
    [InlineData("dev-user1", true)]
    [InlineData("1dev", false)]
    [InlineData("Dev", false)]
    [InlineData("a b", false)]
    [InlineData("dev\n", false)]
    public void User_names_follow_the_useradd_rule(string name, bool valid)
    {
        Assert.Equal(valid, NameRules.IsUserName(name));
    }

    [Theory]
    [InlineData("APP_ENV", true)]
    [InlineData("_x1", true)]
    [InlineData("1X", false)]
    [InlineData("A-B", false)]
    [InlineData("APP_ENV\n", false)]
    public void Environment_names_are_shell_identifiers(string name, bool valid)
    {
        Assert.Equal(valid, NameRules.IsEnvironmentName(name));
    }
}
