namespace Diskless.Plugins.Arch.Base;

/// <summary>
/// Turns pacstrap's and pacman's output into short progress details: ":: Synchronizing package databases...",
/// "(12/130) installing glibc", ":: Running post-transaction hooks...". Other lines give null, so the caller leaves
/// the detail as it was. Also knows the errors whose cause and fix can be named (<see cref="Hint"/>).
/// </summary>
internal static class PacstrapProgress
{
    private static readonly (string Needle, string Hint)[] KnownErrors =
    [
        ("signature from", "a package's signature is not trusted by the base's keyring: Debian's archlinux-keyring may be older than the mirror's packagers' keys (update it), or the mirror serves something else."),
        ("invalid or corrupted package (PGP signature)", "a package's signature is not trusted by the base's keyring: update the host's archlinux-keyring package."),
        ("failed to retrieve some files", "the mirror did not serve every package: check [distro] mirror (with $repo and $arch) and that it is reachable."),
        ("target not found", "a package named in [distro] packages does not exist in the configured repositories."),
        ("failed to synchronize all databases", "the mirror's repository databases could not be read: check [distro] mirror and repositories."),
    ];

    public static string? Describe(string line)
    {
        var text = line.Trim();
        if (text.StartsWith(":: Synchronizing package databases", StringComparison.Ordinal))
        {
            return "reading package lists";
        }

        if (text.StartsWith(":: Retrieving packages", StringComparison.Ordinal))
        {
            return "downloading packages";
        }

        if (text.StartsWith(":: Running post-transaction hooks", StringComparison.Ordinal))
        {
            return "running the packages' hooks";
        }

        // "(12/130) installing glibc"
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 3 && words[0].StartsWith('(') && words[0].EndsWith(')') && words[1] == "installing")
        {
            return "installing " + words[2].TrimEnd('.');
        }

        return null;
    }

    /// <summary>The fix for a failure whose output names a known cause; null otherwise.</summary>
    public static string? Hint(IEnumerable<string> outputTail)
    {
        var lines = outputTail.ToList();
        foreach (var (needle, hint) in KnownErrors)
        {
            if (lines.Any(l => l.Contains(needle, StringComparison.Ordinal)))
            {
                return hint;
            }
        }

        return null;
    }
}
