using Diskless.Cli.Configuration;

namespace Diskless.Cli.Tests.Configuration;

public sealed class MemorySizeTests
{
    [Theory]
    [InlineData("2GiB", 2048)]
    [InlineData("2G", 2048)]
    [InlineData("2gib", 2048)]
    [InlineData("1.5GiB", 1536)]
    [InlineData("512MiB", 512)]
    [InlineData("512M", 512)]
    [InlineData("2048", 2048)]
    [InlineData(" 1 TiB ", 1024 * 1024)]
    [InlineData("1048576KiB", 1024)]
    [InlineData("2GB", 1907)]
    [InlineData("1000MB", 953)]
    public void Sizes_with_units_convert_to_MiB(string text, long mebibytes)
    {
        Assert.True(MemorySize.TryParse(text, out var size));
        Assert.Equal(mebibytes, size.MiB);
    }

    [Fact]
    public void Decimal_units_count_in_powers_of_ten()
    {
        Assert.True(MemorySize.TryParse("2GB", out var size));
        Assert.Equal(2_000_000_000, size.Bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("2 gigs")]
    [InlineData("-1GiB")]
    [InlineData("GiB")]
    [InlineData("1,5GiB")]
    [InlineData("99999999999999TiB")]
    public void Malformed_sizes_are_refused(string text)
    {
        Assert.False(MemorySize.TryParse(text, out _));
    }

    [Fact]
    public void The_unknown_unit_of_a_well_shaped_size_is_named()
    {
        Assert.Equal("gigs", MemorySize.UnitOf("2 gigs"));
        Assert.Null(MemorySize.UnitOf("2GiB"));
        Assert.Null(MemorySize.UnitOf("lots"));
    }

    [Theory]
    [InlineData(2048, "2GiB")]
    [InlineData(1536, "1536MiB")]
    [InlineData(1024 * 1024, "1TiB")]
    public void Sizes_print_in_the_largest_whole_binary_unit(long mebibytes, string expected)
    {
        Assert.Equal(expected, MemorySize.FromMiB(mebibytes).ToString());
    }
}
