using Diskless.Cli.Output;

namespace Diskless.Cli.Tests.Output;

/// <summary>When the program makes its own UTF-8 writers instead of the runtime's, which encode the locale's charset.</summary>
public sealed class ConsoleWritersTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, null, "C.UTF-8")]
    [InlineData(null, null, "en_GB.utf8")]
    [InlineData("de_DE.UTF-8@euro", null, "C")]
    [InlineData(null, "POSIX", "fr_FR.UTF-8")]
    [InlineData("", "", "C")]
    public void A_locale_that_names_UTF_8_or_no_charset_gets_the_programs_own_writers(string? all, string? messages, string? lang) =>
        Assert.True(ConsoleWriters.LocaleIsUtf8(Environment(all, messages, lang)));

    [Theory]
    [InlineData(null, null, "en_US.ISO-8859-1")]
    [InlineData("ru_RU.KOI8-R", null, "C.UTF-8")]
    [InlineData(null, "ja_JP.eucJP", "C.UTF-8")]
    [InlineData(null, null, "de_DE.ISO-8859-15@euro")]
    public void Any_other_charset_in_any_locale_variable_keeps_the_runtimes_writers(string? all, string? messages, string? lang) =>
        Assert.False(ConsoleWriters.LocaleIsUtf8(Environment(all, messages, lang)));

    private static Func<string, string?> Environment(string? all, string? messages, string? lang) => name => name switch
    {
        "LC_ALL" => all,
        "LC_MESSAGES" => messages,
        "LANG" => lang,
        _ => throw new ArgumentException($"the writers read {name}, which the runtime does not"),
    };
}
