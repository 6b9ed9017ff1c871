namespace Diskless.Plugins.Debian.Base;

/// <summary>
/// Turns mmdebstrap's --verbose output into short progress details: its own phase lines ("I: downloading packages
/// with apt...") and apt's and dpkg's per-package lines ("Get:12 … libc6 amd64 2.36-9 [2,758 kB]", "Unpacking
/// libc6:amd64 (2.36-9) ...", "Setting up libc6:amd64 (2.36-9) ..."). Other lines give null, so the caller leaves the
/// detail as it was. Also knows the errors whose cause and fix can be named (<see cref="Hint"/>).
/// </summary>
internal static class MmdebstrapProgress
{
    private static readonly (string Prefix, string Detail)[] Phases =
    [
        ("I: running apt-get update", "reading package lists"),
        ("I: downloading packages", "downloading packages"),
        ("I: extracting archives", "extracting packages"),
        ("I: installing essential packages", "installing essential packages"),
        ("I: installing remaining packages", "installing packages"),
        ("I: cleaning package lists and apt cache", "cleaning up"),
        ("I: success in", "base system installed"),
    ];

    private static readonly (string Needle, string Hint)[] KnownErrors =
    [
        ("cannot find newuidmap", "newuidmap is missing: install it (Debian/Ubuntu: apt-get install uidmap; Fedora: dnf install shadow-utils; Arch: pacman -S shadow)."),
        ("failed to unshare the user namespace", "newuidmap or newgidmap is not privileged: chmod u+s /usr/bin/newuidmap /usr/bin/newgidmap (or reinstall the uidmap package)."),
        ("/etc/subuid", "the user has no subordinate id range: as root, usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER (pick a free range)."),
        ("unshare syscall failed: No space left on device", "user namespaces are disabled: sysctl -w user.max_user_namespaces=15000 (persist it in /etc/sysctl.d/50-userns.conf)."),
        ("unshare syscall failed: Operation not permitted", "unprivileged user namespaces are disabled: sysctl -w kernel.unprivileged_userns_clone=1 (persist it in /etc/sysctl.d/)."),
    ];

    public static string? Describe(string line)
    {
        foreach (var (prefix, detail) in Phases)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return detail;
            }
        }

        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 3 && words[0] == "Unpacking" && words[2].StartsWith('('))
        {
            return "installing " + Package(words[1]);
        }

        if (words.Length >= 4 && words[0] == "Setting" && words[1] == "up" && words[3].StartsWith('('))
        {
            return "configuring " + Package(words[2]);
        }

        // "Get:7 http://deb.debian.org/debian bookworm/main amd64 libc6 amd64 2.36-9+deb12u10 [2758 kB]" names a package;
        // "Get:1 … bookworm InRelease [151 kB]" and "Get:2 … bookworm/main amd64 Packages [8790 kB]" the package lists.
        if (words.Length >= 2 && words[0].StartsWith("Get:", StringComparison.Ordinal))
        {
            return words.Length >= 9 && words[2].Contains('/', StringComparison.Ordinal) ? "downloading " + Package(words[4]) : "downloading package lists";
        }

        return null;
    }

    /// <summary>The fix for a failure whose output names a known cause (no subordinate ids, no newuidmap, namespaces off); null otherwise.</summary>
    public static string? Hint(IEnumerable<string> outputTail)
    {
        var errors = outputTail.Where(l => l.StartsWith("E: ", StringComparison.Ordinal) || l.StartsWith("W: ", StringComparison.Ordinal)).ToList();
        foreach (var (needle, hint) in KnownErrors)
        {
            if (errors.Any(l => l.Contains(needle, StringComparison.Ordinal)))
            {
                return hint;
            }
        }

        return null;
    }

    private static string Package(string word)
    {
        var colon = word.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? word[..colon] : word;
    }
}
