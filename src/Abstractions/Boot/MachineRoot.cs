using System.Text;

namespace Diskless.Abstractions;

/// <summary>
/// A root filesystem folder on the host, addressed by guest paths. Paths resolve as they would inside a
/// chroot: absolute symlinks point into the root and ".." stops at the root, so no guest path — however its
/// links are made — can reach a host file outside <see cref="Path"/>.
/// </summary>
public sealed class MachineRoot
{
    private const int MaxSymlinkHops = 40;

    /// <summary>Wraps an existing root folder.</summary>
    public MachineRoot(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
    }

    /// <summary>The root folder's absolute host path.</summary>
    public string Path { get; }

    /// <summary>
    /// The host path of <paramref name="guestPath"/> with every symlink resolved inside the root, the last
    /// component included. The result need not exist.
    /// </summary>
    public string Resolve(string guestPath) => ToHostPath(ResolveComponents(guestPath, followLast: true));

    /// <summary>
    /// The host path of <paramref name="guestPath"/> with its parent folders resolved inside the root and the
    /// last component kept as it is (a link there is the link itself).
    /// </summary>
    public string ResolveParent(string guestPath) => ToHostPath(ResolveComponents(guestPath, followLast: false));

    /// <summary>True when the guest path exists (following links).</summary>
    public bool Exists(string guestPath)
    {
        var hostPath = Resolve(guestPath);
        return File.Exists(hostPath) || Directory.Exists(hostPath);
    }

    /// <summary>The most <see cref="ReadFileAsync(string, CancellationToken)"/> reads: far above any configuration file.</summary>
    public const long DefaultReadLimit = 16 * 1024 * 1024;

    /// <summary>Reads a text file by guest path (at most <see cref="DefaultReadLimit"/> bytes).</summary>
    public Task<string> ReadFileAsync(string guestPath, CancellationToken cancellationToken) =>
        ReadFileAsync(guestPath, DefaultReadLimit, cancellationToken);

    /// <summary>
    /// Reads a text file by guest path. A file larger than <paramref name="maxBytes"/> is a
    /// <see cref="DisklessException"/>; a file with no size is read as empty without being opened, because a fifo
    /// or a device node the guest made there has no size either, and opening one would block or read a host device.
    /// </summary>
    public async Task<string> ReadFileAsync(string guestPath, long maxBytes, CancellationToken cancellationToken)
    {
        var hostPath = Resolve(guestPath);
        var info = new FileInfo(hostPath);
        if (info.Length == 0)
        {
            return "";
        }

        if (info.Length > maxBytes)
        {
            throw new DisklessException(
                $"The machine's {guestPath} is {info.Length} bytes, more than the {maxBytes} Diskless reads.",
                "The guest's own files are damaged or hostile: fix the file from inside the guest, or `diskless destroy` the machine.");
        }

        return await File.ReadAllTextAsync(hostPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a regular file at <paramref name="guestPath"/> with <paramref name="mode"/>, creating parent folders
    /// (0755). Whatever is at that path (a link, a fifo, a device node) is replaced by the file, never written through.
    /// </summary>
    public Task WriteFileAsync(string guestPath, string content, UnixFileMode mode, CancellationToken cancellationToken) =>
        ReplaceAsync(guestPath, mode, (stream, ct) => stream.WriteAsync(new UTF8Encoding(false).GetBytes(content), ct).AsTask(), cancellationToken);

    /// <summary>Copies a host file into the root at <paramref name="guestPath"/> with <paramref name="mode"/>, replacing what is there as <see cref="WriteFileAsync"/> does.</summary>
    public Task CopyFileAsync(string hostSource, string guestPath, UnixFileMode mode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostSource);
        return ReplaceAsync(guestPath, mode, async (stream, ct) =>
        {
            var source = new FileStream(hostSource, FileMode.Open, FileAccess.Read);
            await using (source.ConfigureAwait(false))
            {
                await source.CopyToAsync(stream, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Gives the entry at <paramref name="guestPath"/> to <paramref name="uid"/>:<paramref name="gid"/>: its parent
    /// folders resolve inside the root and the entry itself is never followed (a link is given away, not its target).
    /// </summary>
    public void SetOwner(string guestPath, int uid, int gid) => NoFollow.Chown(ResolveParent(guestPath), uid, gid);

    /// <summary>
    /// The host path of <paramref name="guestPath"/> when none of its components is a symbolic link; a
    /// <see cref="DisklessException"/> naming the first link otherwise. For paths the host hands to a guest user,
    /// where following a link would give away whatever it points to. The result need not exist.
    /// </summary>
    public string ResolveWithoutLinks(string guestPath)
    {
        var components = Split(RequireAbsolute(guestPath)).ToList();
        var walked = new List<string>();
        foreach (var component in components)
        {
            if (component == "..")
            {
                throw new DisklessException($"'{guestPath}' climbs with '..'; Diskless only follows plain paths in a machine root.");
            }

            walked.Add(component);
            if (new FileInfo(ToHostPath(walked)).LinkTarget is { } target)
            {
                throw new DisklessException(
                    $"/{string.Join('/', walked)} in the machine root {Path} is a symbolic link (to {target}); Diskless will not hand what it points to to the guest's user.",
                    "Replace the link by a folder from inside the guest, or `diskless destroy` the machine.");
            }
        }

        return ToHostPath(walked);
    }

    /// <summary>Deletes the file or link at <paramref name="guestPath"/>; returns false when there was none.</summary>
    public bool DeleteFile(string guestPath)
    {
        var hostPath = ResolveParent(guestPath);
        var info = new FileInfo(hostPath);
        if (!info.Exists && info.LinkTarget is null)
        {
            return false;
        }

        info.Delete();
        return true;
    }

    /// <summary>Creates (or replaces) a symbolic link at <paramref name="guestPath"/> pointing to <paramref name="target"/> as written.</summary>
    public void CreateSymlink(string guestPath, string target)
    {
        var hostPath = PrepareForWrite(guestPath);
        File.CreateSymbolicLink(hostPath, target);
    }

    /// <summary>Creates a folder (and its parents) at <paramref name="guestPath"/>; returns its host path.</summary>
    public string CreateDirectory(string guestPath, UnixFileMode mode = DefaultDirectoryMode)
    {
        var hostPath = Resolve(guestPath);
        Directory.CreateDirectory(hostPath, mode);
        return hostPath;
    }

    private const UnixFileMode DefaultDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private string PrepareForWrite(string guestPath)
    {
        var hostPath = ResolveParent(guestPath);
        if (hostPath == Path)
        {
            throw new ArgumentException($"Cannot write to the root folder itself: '{guestPath}'", nameof(guestPath));
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(hostPath)!, DefaultDirectoryMode);
        if (new FileInfo(hostPath).LinkTarget is null && Directory.Exists(hostPath))
        {
            throw new IOException($"'{guestPath}' is a folder in {Path}, not a file");
        }

        // Anything else there (a link, a fifo, a device node) is removed, never opened.
        RemoveEntry(hostPath);
        return hostPath;
    }

    /// <summary>
    /// Writes a new file beside the target and renames it over the target. The new file is created exclusively,
    /// after removing whatever the guest left at that name: open(2) never follows a link or opens a device there.
    /// </summary>
    private async Task ReplaceAsync(string guestPath, UnixFileMode mode, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var hostPath = PrepareForWrite(guestPath);
        var temp = hostPath + ".diskless-tmp";
        RemoveEntry(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode };
        var stream = new FileStream(temp, options);
        await using (stream.ConfigureAwait(false))
        {
            await write(stream, cancellationToken).ConfigureAwait(false);
        }

        // The umask may have narrowed the mode at creation.
        File.SetUnixFileMode(temp, mode);
        File.Move(temp, hostPath, overwrite: true);
    }

    /// <summary>Removes a file, link or special file at a host path (unlink: never follows); a folder there stays.</summary>
    private static void RemoveEntry(string hostPath)
    {
        var info = new FileInfo(hostPath);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
    }

    private string ToHostPath(List<string> components) =>
        components.Count == 0 ? Path : Path + "/" + string.Join('/', components);

    private static string RequireAbsolute(string guestPath)
    {
        ArgumentNullException.ThrowIfNull(guestPath);
        return guestPath.StartsWith('/') ? guestPath : throw new ArgumentException($"Guest paths are absolute; got '{guestPath}'", nameof(guestPath));
    }

    private List<string> ResolveComponents(string guestPath, bool followLast)
    {
        RequireAbsolute(guestPath);
        var resolved = new List<string>();
        var pending = new LinkedList<string>(Split(guestPath));
        var hops = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var component = node.Value;
            if (component == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var isLast = pending.Count == 0;
            var candidate = ToHostPath([.. resolved, component]);
            var linkTarget = (isLast && !followLast) ? null : new FileInfo(candidate).LinkTarget;
            if (linkTarget is null)
            {
                resolved.Add(component);
                continue;
            }

            if (++hops > MaxSymlinkHops)
            {
                throw new IOException($"Too many symbolic links resolving '{guestPath}' in {Path}");
            }

            if (linkTarget.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var part in Split(linkTarget).Reverse())
            {
                pending.AddFirst(part);
            }
        }

        return resolved;
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");
}
