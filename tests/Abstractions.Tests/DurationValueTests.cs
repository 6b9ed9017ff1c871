namespace Diskless.Abstractions.Tests;

public sealed class DurationValueTests
{
    [Theory]
    [InlineData("300", 300)]
    [InlineData("300s", 300)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1m30s", 90)]
    [InlineData("1h2m3s", 3723)]
    [InlineData("1.5m", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("1500ms", 1.5)]
    public void Durations_convert_to_seconds(string text, double seconds)
    {
        Assert.True(DurationValue.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("5x")]
    [InlineData("m5")]
    [InlineData("-5s")]
    [InlineData("5s junk")]
    [InlineData("99999999999999999")]
    [InlineData("99999999999999h")]
    public void Malformed_or_absurd_durations_are_refused(string text)
    {
        Assert.False(DurationValue.TryParse(text, out _));
    }

    [Theory]
    [InlineData(90L, 90)]
    [InlineData(90, 90)]
    [InlineData(1.5, 1.5)]
    [InlineData("1m30s", 90)]
    [InlineData(-5L, -5)]
    public void Setting_values_are_seconds_or_a_duration_string(object value, double seconds)
    {
        Assert.True(DurationValue.TryRead(value, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration.Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(double.NaN)]
    [InlineData(1e300)]
    [InlineData("soon")]
    [InlineData(null)]
    public void Other_setting_values_are_not_durations(object? value)
    {
        Assert.False(DurationValue.TryRead(value, out _));
    }

    [Fact]
    public void Durations_print_in_minutes_when_whole_else_seconds()
    {
        Assert.Equal("5m", new DurationValue(TimeSpan.FromSeconds(300)).ToString());
        Assert.Equal("90s", new DurationValue(TimeSpan.FromSeconds(90)).ToString());
    }
}
