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

    /// <summary>Reads a text file by guest path.</summary>
    public Task<string> ReadFileAsync(string guestPath, CancellationToken cancellationToken) =>
        File.ReadAllTextAsync(Resolve(guestPath), cancellationToken);

    /// <summary>
    /// Writes a regular file at <paramref name="guestPath"/> with <paramref name="mode"/>, creating parent folders
    /// (0755). A link at that path is replaced by the file, never written through.
    /// </summary>
    public async Task WriteFileAsync(string guestPath, string content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var hostPath = PrepareForWrite(guestPath);
        var temp = hostPath + ".diskless-tmp";
        await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(temp, mode);
        File.Move(temp, hostPath, overwrite: true);
    }

    /// <summary>Copies a host file into the root at <paramref name="guestPath"/> with <paramref name="mode"/>.</summary>
    public Task CopyFileAsync(string hostSource, string guestPath, UnixFileMode mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var hostPath = PrepareForWrite(guestPath);
        File.Copy(hostSource, hostPath, overwrite: true);
        File.SetUnixFileMode(hostPath, mode);
        return Task.CompletedTask;
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
        var existing = new FileInfo(hostPath);
        if (existing.LinkTarget is not null)
        {
            existing.Delete();
        }
        else if (Directory.Exists(hostPath))
        {
            throw new IOException($"'{guestPath}' is a folder in {Path}, not a file");
        }

        return hostPath;
    }

    private string ToHostPath(List<string> components) =>
        components.Count == 0 ? Path : Path + "/" + string.Join('/', components);

    private List<string> ResolveComponents(string guestPath, bool followLast)
    {
        ArgumentNullException.ThrowIfNull(guestPath);
        if (!guestPath.StartsWith('/'))
        {
            throw new ArgumentException($"Guest paths are absolute; got '{guestPath}'", nameof(guestPath));
        }

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
