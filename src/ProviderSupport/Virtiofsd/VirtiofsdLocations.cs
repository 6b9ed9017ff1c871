using Diskless.Abstractions;

namespace Diskless.ProviderSupport;

/// <summary>Where distributions put virtiofsd, which is seldom on PATH (Debian: /usr/lib/qemu, Fedora: /usr/libexec).</summary>
public static class VirtiofsdLocations
{
    /// <summary>The program's name.</summary>
    public const string Program = "virtiofsd";

    /// <summary>The folders searched after PATH.</summary>
    public static readonly string[] Directories = ["/usr/libexec", "/usr/lib/qemu"];
}
