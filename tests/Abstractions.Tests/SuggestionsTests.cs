
namespace Diskless.Abstractions.Tests;

public sealed class SuggestionsTests
{
    private static readonly string[] Keys = ["name", "release", "mirror", "packages", "user", "locale", "timezone"];

    [Theory]
    [InlineData("pakages", "packages")]
    [InlineData("relaese", "release")]
    [InlineData("Mirror", "mirror")]
    [InlineData("usr", "user")]
    [InlineData("timezon", "timezone")]
    public void Close_misspellings_find_the_intended_key(string input, string expected)
    {
        Assert.Equal(expected, Suggestions.Closest(input, Keys));
    }

    [Theory]
    [InlineData("variant")]
    [InlineData("arch")]
    [InlineData("name")]
    public void Distant_or_exact_words_have_no_suggestion(string input)
    {
        Assert.Null(Suggestions.Closest(input, Keys));
    }

    [Fact]
    public void A_swap_of_neighbouring_letters_is_one_edit()
    {
        Assert.Equal(1, Suggestions.Distance("debain", "debian"));
        Assert.Equal(3, Suggestions.Distance("kitten", "sitting"));
    }

    [Fact]
    public void The_hint_reads_as_a_question()
    {
        Assert.Equal("did you mean 'debian'?", Suggestions.DidYouMean("debain", ["arch", "debian"]));
    }
}
