using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Base;

/// <summary>The commands that build a base (pure: they are only described here, run by <see cref="BaseBuilder"/>).</summary>
internal static class BaseCommands
{
    /// <summary>Environment for commands run inside a root: the host's locale may not exist there, and apt must not ask.</summary>
    public static IReadOnlyDictionary<string, string?> InRootEnvironment { get; } = new Dictionary<string, string?>
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["LANGUAGE"] = null,
        ["DEBIAN_FRONTEND"] = "noninteractive",
    };

    /// <summary>debootstrap into <paramref name="targetDirectory"/> (the empty folder the host gave us).</summary>
    public static CommandSpec Debootstrap(BaseSpec spec, string targetDirectory, Action<string>? onOutputLine)
    {
        var variant = BasePlanner.Variant(spec);
        List<string> arguments = variant == "standard" ? [] : [$"--variant={variant}"];
        arguments.AddRange(
        [
            $"--include={string.Join(',', spec.Packages)}",
            $"--components={BasePlanner.Components(spec)}",
            $"--arch={spec.Architecture}",
            spec.Release,
            targetDirectory,
            spec.Mirror,
        ]);
        return new CommandSpec("debootstrap", arguments)
        {
            Description = $"downloading and installing Debian {spec.Release}",
            RequiresRoot = true,
            OnOutputLine = onOutputLine,
            Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8", ["LANGUAGE"] = null },
        };
    }

    /// <summary>
    /// mmdebstrap into <paramref name="targetDirectory"/> (the empty folder, owned by guest root, the host gave us),
    /// for a root that belongs to the machine's subordinate ids. The caller enters it into the machine's user
    /// namespace: as guest root there, mmdebstrap's unshare mode creates no user namespace of its own (it still
    /// unshares mount and pid), so every file gets the machine's map. The same package set, variant, components,
    /// architecture, release and mirror as <see cref="Debootstrap"/>.
    /// </summary>
    public static CommandSpec Mmdebstrap(BaseSpec spec, string targetDirectory, Action<string>? onOutputLine) =>
        new("mmdebstrap",
        [
            // Always explicit: left to choose, mmdebstrap silently falls back to fakechroot where it cannot unshare
            // and builds a tree with the wrong owners.
            "--mode=unshare",
            $"--variant={MmdebstrapVariant(BasePlanner.Variant(spec))}",
            $"--include={string.Join(',', spec.Packages)}",
            $"--components={BasePlanner.Components(spec)}",
            $"--architectures={spec.Architecture}",
            // apt's and dpkg's per-package lines ("Get:", "Unpacking", "Setting up") are the stage's progress and,
            // when the build fails, the context of the error.
            "--verbose",
            spec.Release,
            targetDirectory,
            spec.Mirror,
        ])
        {
            Description = $"downloading and installing Debian {spec.Release}",
            OnOutputLine = onOutputLine,
            // The host user's HOME is not guest root's to read (dpkg warned about /root/.dpkg.cfg), nor is its locale
            // certain to exist in the new tree.
            Environment = new Dictionary<string, string?>
            {
                ["HOME"] = null,
                ["LC_ALL"] = "C.UTF-8",
                ["LANG"] = "C.UTF-8",
                ["LANGUAGE"] = null,
                ["DEBIAN_FRONTEND"] = "noninteractive",
                ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            },
        };

    /// <summary>
    /// mmdebstrap's name for a debootstrap variant. minbase and buildd mean the same in both; debootstrap's default
    /// (required and important packages, "standard" here) is mmdebstrap's "debootstrap" variant — mmdebstrap's own
    /// "standard" would add the Priority: standard packages too.
    /// </summary>
    public static string MmdebstrapVariant(string debootstrapVariant) => debootstrapVariant switch
    {
        "standard" => "debootstrap",
        _ => debootstrapVariant,
    };

    /// <summary>Drops the downloaded .deb files (about 120 MB) that every machine cloned from the base would otherwise carry.</summary>
    public static CommandSpec AptClean() =>
        new("/usr/bin/apt-get", "clean")
        {
            Description = "cleaning the package cache of the base",
            RequiresRoot = true,
            Environment = InRootEnvironment,
        };
}
