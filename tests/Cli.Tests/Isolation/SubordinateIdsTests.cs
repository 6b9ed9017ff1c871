using Diskless.Cli.Isolation;

namespace Diskless.Cli.Tests.Isolation;

public sealed class SubordinateIdsTests
{
    [Fact]
    public void A_user_listed_by_name_gets_its_range()
    {
        string[] lines = ["dltest:100000:65536", "diskless-tester:165536:65536"];

        Assert.Equal(new SubordinateRange(165536, 65536), SubordinateIds.Find(lines, "diskless-tester", 2345));
        Assert.Equal(new SubordinateRange(100000, 65536), SubordinateIds.Find(lines, "dltest", 1500));
    }

    [Fact]
    public void A_user_listed_by_numeric_uid_gets_its_range()
    {
        Assert.Equal(new SubordinateRange(300000, 65536), SubordinateIds.Find(["1500:300000:65536"], "dltest", 1500));
    }

    [Fact]
    public void Other_users_ranges_and_name_prefixes_do_not_count()
    {
        string[] lines = ["dltest2:100000:65536", "dl:200000:65536", "15000:300000:65536", "150:400000:65536"];

        Assert.Null(SubordinateIds.Find(lines, "dltest", 1500));
    }

    [Fact]
    public void Ranges_smaller_than_65536_are_passed_over_for_a_later_big_enough_one()
    {
        string[] lines = ["dltest:100000:1000", "dltest:200000:65535", "dltest:300000:131072", "dltest:500000:65536"];

        Assert.Equal(new SubordinateRange(300000, 131072), SubordinateIds.Find(lines, "dltest", 1500));
        Assert.Null(SubordinateIds.Find(lines.Take(2), "dltest", 1500));
    }

    [Fact]
    public void The_first_big_enough_line_wins_whether_by_name_or_by_uid()
    {
        Assert.Equal(new SubordinateRange(700000, 65536), SubordinateIds.Find(["1500:700000:65536", "dltest:100000:65536"], "dltest", 1500));
    }

    [Fact]
    public void Comments_blank_lines_and_surrounding_blanks_are_skipped()
    {
        string[] lines = ["# dltest:1:65536", "", "   ", "  dltest:100000:65536  "];

        Assert.Equal(new SubordinateRange(100000, 65536), SubordinateIds.Find(lines, "dltest", 1500));
    }

    [Theory]
    [InlineData("dltest:100000")]
    [InlineData("dltest:100000:65536:extra")]
    [InlineData("dltest:abc:65536")]
    [InlineData("dltest:100000:lots")]
    [InlineData("dltest:-100000:65536")]
    [InlineData("dltest:+100000:65536")]
    [InlineData(":100000:65536")]
    [InlineData("dltest:4294967295:65536")]
    [InlineData("dltest:100000:0")]
    [InlineData("dltest:100000:99999999999999999999999")]
    public void Malformed_lines_are_ignored_and_do_not_hide_a_good_one(string bad)
    {
        Assert.Null(SubordinateIds.Find([bad], "dltest", 1500));
        Assert.Equal(new SubordinateRange(100000, 65536), SubordinateIds.Find([bad, "dltest:100000:65536"], "dltest", 1500));
    }

    [Fact]
    public void The_file_reader_finds_the_range_and_treats_a_missing_file_as_no_range()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "root:2147352576:65536\ndltest:100000:65536\n");

            Assert.Equal(new SubordinateRange(100000, 65536), SubordinateIds.Read(file, "dltest", 1500));
            Assert.Equal(new SubordinateRange(2147352576, 65536), SubordinateIds.Read(file, "root", 0));
            Assert.Null(SubordinateIds.Read(file + ".missing", "dltest", 1500));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
