namespace Diskless.Abstractions;

/// <summary>
/// The data dir (<c>$DISKLESS_HOME</c>, by default <c>/var/lib/diskless</c> for root and
/// <c>$XDG_DATA_HOME/diskless</c> otherwise) and its parts. Root filesystems live here, never in the project.
/// </summary>
/// <param name="DataDirectory">The data dir itself.</param>
public sealed record HostPaths(string DataDirectory)
{
    /// <summary>Complete base root filesystems, one folder per cache key.</summary>
    public string BasesDirectory => Path.Combine(DataDirectory, "bases");

    /// <summary>
    /// What the host keeps of each project: <c>projects/&lt;key&gt;/project.json</c> (the project's folder) and
    /// <c>projects/&lt;key&gt;/machines/&lt;name&gt;/</c> (records, keys, console logs, pid files, locks), the key taken from the
    /// project folder's real path. Never in the project itself: that is usually a synced folder the guest writes.
    /// </summary>
    public string ProjectsDirectory => Path.Combine(DataDirectory, "projects");

    /// <summary>Machine root filesystems, one folder per machine id.</summary>
    public string MachinesDirectory => Path.Combine(DataDirectory, "machines");

    /// <summary>Work in progress (half-built bases); on the same filesystem as the rest so a rename moves it into place.</summary>
    public string TempDirectory => Path.Combine(DataDirectory, "tmp");

    /// <summary>
    /// Derived files that can be re-created at any time (e.g. a kernel unpacked from its bzImage): deleting this
    /// folder costs only the time to derive them again, never data.
    /// </summary>
    public string CacheDirectory => Path.Combine(DataDirectory, "cache");

    /// <summary>
    /// The user's one package cache: the package files every base build and derivation downloaded, one folder per distro,
    /// handed to the build tools so nothing is downloaded twice. Never part of a root: tools read it from outside the
    /// tree or see it through a mount that ends with the build. Its files are written by build tools, so they are input
    /// to verify (the package manager checks each against its signed index), never links to follow.
    /// </summary>
    public string PackageCacheDirectory => Path.Combine(CacheDirectory, "packages");

    /// <summary>The package cache of one distro plugin (<see cref="PackageCacheDirectory"/>).</summary>
    public string PackageCacheFor(string distro) => Path.Combine(PackageCacheDirectory, distro);

    /// <summary>User-installed plugins, one folder per plugin.</summary>
    public string PluginsDirectory => Path.Combine(DataDirectory, "plugins");
}
