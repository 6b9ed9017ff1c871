namespace Diskless.PluginSupport.Configure;

/// <summary>
/// Locales: C, POSIX and C.UTF-8 are built into glibc; any other locale must be generated, which needs the
/// locales in the base (Debian's package locales; glibc in Arch) and a locale-gen run in the machine.
/// </summary>
public static class LocaleSupport
{
    private static readonly string[] BuiltIn = ["C", "POSIX", "C.UTF-8", "C.utf8"];

    public static bool NeedsLocalesPackage(string locale) => !BuiltIn.Contains(locale, StringComparer.Ordinal);

    /// <summary>The /etc/locale.gen line for a locale such as en_US.UTF-8 ("en_US.UTF-8 UTF-8").</summary>
    public static string Charset(string locale)
    {
        var dot = locale.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return "UTF-8";
        }

        var charset = locale[(dot + 1)..];
        var at = charset.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            charset = charset[..at];
        }

        return charset.Equals("utf8", StringComparison.OrdinalIgnoreCase) ? "UTF-8" : charset.ToUpperInvariant();
    }
}
