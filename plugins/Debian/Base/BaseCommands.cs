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

    /// <summary>Drops the downloaded .deb files (about 120 MB) that every machine cloned from the base would otherwise carry.</summary>
    public static CommandSpec AptClean() =>
        new("/usr/bin/apt-get", "clean")
        {
            Description = "cleaning the package cache of the base",
            RequiresRoot = true,
            Environment = InRootEnvironment,
        };
}
