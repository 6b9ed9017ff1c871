using Diskless.Cli.Processes;

namespace Diskless.Cli.Tests.Processes;

public sealed class RealPathTests
{
    [Fact]
    public void Links_in_the_middle_and_at_the_end_are_resolved()
    {
        var folder = Directory.CreateTempSubdirectory("diskless-realpath-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "real", "inner"));
            File.CreateSymbolicLink(Path.Combine(folder, "hop"), "real");
            File.CreateSymbolicLink(Path.Combine(folder, "real", "up"), "../real/inner");

            Assert.Equal(Path.Combine(folder, "real", "inner"), RealPath.Resolve(Path.Combine(folder, "hop", "up")));
            Assert.Equal(Path.Combine(folder, "real", "up"), RealPath.Resolve(Path.Combine(folder, "hop", "up"), followLast: false));
            Assert.Equal(Path.Combine(folder, "real", "missing", "x"), RealPath.Resolve(Path.Combine(folder, "hop", "missing", "x")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("/a/b", "/a", true)]
    [InlineData("/a", "/a", false)]
    [InlineData("/ab", "/a", false)]
    [InlineData("/a", "/", true)]
    public void Strictly_under_means_inside_and_not_equal(string path, string folder, bool expected)
    {
        Assert.Equal(expected, RealPath.IsStrictlyUnder(path, folder));
    }
}
