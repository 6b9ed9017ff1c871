using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// The user's one package cache (<see cref="HostPaths.PackageCacheDirectory"/>), handed to every base build and
/// derivation so nothing is downloaded twice, and bounded: past <see cref="Limit"/> the files used longest ago go
/// first. Its files are written by the build tools (as guest root, in the machine's namespace), so they are treated as
/// untrusted input: only regular <c>.deb</c>-like files at the top of a distro's folder count, anything else there (a
/// link, a fifo, a folder other than the package manager's own) is removed before a build sees the folder, and the
/// package manager checks every file against its signed index before it uses it.
/// </summary>
internal sealed class PackageCache(HostPaths paths)
{
    /// <summary>The environment variable that sets the bound (<c>2GiB</c>, <c>500MiB</c>; <c>0</c> keeps nothing).</summary>
    public const string LimitVariable = "DISKLESS_PACKAGE_CACHE_SIZE";

    /// <summary>The bound when none is set: about ten bases' worth of packages.</summary>
    public const long DefaultLimit = 2L * 1024 * 1024 * 1024;

    // The package manager's own entries: apt's lock and its folder of downloads in progress.
    private static readonly string[] ToolEntries = ["lock", "partial"];

    private const UnixFileMode Traversable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The bound in bytes, from <see cref="LimitVariable"/>; the default when unset or unreadable.</summary>
    public static long Limit(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = environment(LimitVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultLimit;
        }

        return text.Trim() == "0" ? 0 : MemorySize.TryParse(text, out var size) ? size.Bytes : DefaultLimit;
    }

    /// <summary>
    /// Makes <paramref name="distro"/>'s folder ready for a build: created, cleared of whatever is not a package file,
    /// and reachable by guest root in <paramref name="userNamespace"/> (the build tools write it as guest root).
    /// Returns the folder.
    /// </summary>
    public async Task<string> PrepareAsync(string distro, IUserNamespace? userNamespace, ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(distro);
        ArgumentNullException.ThrowIfNull(runner);
        // 0755 down to the distro's folder: guest root, which is nobody on the host, must pass through root's own folders.
        foreach (var folder in new[] { paths.CacheDirectory, paths.PackageCacheDirectory })
        {
            EnsureFolder(folder);
        }

        var packages = paths.PackageCacheFor(distro);
        EnsureFolder(packages);
        RemoveStrayEntries(packages);
        if (userNamespace is not null)
        {
            await GuestRootFolders.EnsureReachableAsync(packages, userNamespace, runner, cancellationToken).ConfigureAwait(false);
        }

        return packages;
    }

    /// <summary>Every package file in the cache (regular files only, never through a link), oldest use first.</summary>
    public IReadOnlyList<CachedPackage> Files()
    {
        if (!Directory.Exists(paths.PackageCacheDirectory) || new DirectoryInfo(paths.PackageCacheDirectory).LinkTarget is not null)
        {
            return [];
        }

        var files = new List<CachedPackage>();
        foreach (var distro in Directory.EnumerateDirectories(paths.PackageCacheDirectory))
        {
            if (new DirectoryInfo(distro).LinkTarget is not null)
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(distro))
            {
                if (FileStatus.Read(path, followLinks: false) is { IsRegularFile: true } status && !ToolEntries.Contains(Path.GetFileName(path)))
                {
                    files.Add(new CachedPackage(path, status.Size, status.ChangedAt));
                }
            }
        }

        return [.. files.OrderBy(f => f.ChangedAt).ThenBy(f => f.Path, StringComparer.Ordinal)];
    }

    /// <summary>The bytes the cache holds.</summary>
    public long Size() => Files().Sum(f => f.Bytes);

    /// <summary>Drops the files used longest ago until the cache holds at most <paramref name="limit"/> bytes; returns what went.</summary>
    public CacheTrim Trim(long limit)
    {
        var files = Files();
        var size = files.Sum(f => f.Bytes);
        var removed = 0;
        long freed = 0;
        foreach (var file in files)
        {
            if (size <= limit)
            {
                break;
            }

            try
            {
                File.Delete(file.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another command's build may be reading it: it stays until the next trim.
                continue;
            }

            size -= file.Bytes;
            freed += file.Bytes;
            removed++;
        }

        return new CacheTrim(removed, freed, size);
    }

    private static void EnsureFolder(string folder)
    {
        if (new DirectoryInfo(folder).LinkTarget is not null)
        {
            throw new DisklessException($"{folder} is a link; diskless keeps its package cache only in a folder of its own", $"remove the link: rm {folder}");
        }

        var created = Directory.CreateDirectory(folder, Traversable);
        if ((created.UnixFileMode & Traversable) != Traversable)
        {
            // A umask of 077 would close the folder to guest root.
            File.SetUnixFileMode(folder, created.UnixFileMode | Traversable);
        }
    }

    private static void RemoveStrayEntries(string folder)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(entry);
            if (ToolEntries.Contains(name) && FileStatus.Read(entry, followLinks: false) is { } tool && (tool.IsDirectory || tool.IsRegularFile))
            {
                continue;
            }

            if (FileStatus.Read(entry, followLinks: false) is { IsRegularFile: true })
            {
                continue;
            }

            // A link or a special file: a build must never be handed something that leads out of the cache.
            try
            {
                if (new DirectoryInfo(entry) is { LinkTarget: null } d && d.Exists)
                {
                    d.Delete(recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DisklessException($"the package cache holds {entry}, which is not a package file, and it cannot be removed: {e.Message}", $"remove it: rm -rf {entry}");
            }
        }
    }
}

/// <summary>A package file in the cache: its path, size and when it was last written or linked (ctime).</summary>
internal sealed record CachedPackage(string Path, long Bytes, long ChangedAt);

/// <summary>What a trim removed, and what the cache holds afterwards.</summary>
internal sealed record CacheTrim(int RemovedFiles, long FreedBytes, long RemainingBytes);
