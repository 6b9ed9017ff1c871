namespace Diskless.Plugins.Debian.Base;

/// <summary>
/// Turns debootstrap's "I: Retrieving adduser 3.134" lines into short progress details ("downloading adduser").
/// Lines that do not name a package step give null, so the caller leaves the detail as it was.
/// </summary>
internal static class DebootstrapProgress
{
    private static readonly (string Verb, string Detail)[] Phases =
    [
        ("Retrieving", "downloading"),
        ("Extracting", "extracting"),
        ("Unpacking", "installing"),
        ("Installing", "installing"),
        ("Configuring", "configuring"),
    ];

    public static string? Describe(string line)
    {
        const string info = "I: ";
        if (!line.StartsWith(info, StringComparison.Ordinal))
        {
            return null;
        }

        var words = line[info.Length..].TrimEnd().TrimEnd('.').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            return null;
        }

        foreach (var (verb, detail) in Phases)
        {
            if (words[0] == verb)
            {
                // "Installing core packages" and "Configuring required packages" name a batch, not a package.
                var what = words[1] is "core" or "required" or "base" ? "packages" : words[1];
                var colon = what.IndexOf(':', StringComparison.Ordinal);
                return $"{detail} {(colon > 0 ? what[..colon] : what)}";
            }
        }

        return words[0] == "Base" ? "base system installed" : null;
    }
}
