namespace Diskless.Abstractions;

/// <summary>
/// <see cref="IRootFiles"/> for a root whose files the invoking process may touch directly (a host-owned root, as
/// host root): every path resolves through <see cref="MachineRoot"/>, so nothing is written outside the root nor
/// through a link, and reads never open a fifo or device node the guest left.
/// </summary>
public sealed class HostOwnedRootFiles(string rootDirectory) : IRootFiles
{
    private readonly MachineRoot _root = new(rootDirectory);

    /// <inheritdoc />
    public string Path => _root.Path;

    /// <inheritdoc />
    public async Task<RootFile?> ReadAsync(string guestPath, long maxBytes, CancellationToken cancellationToken)
    {
        var hostPath = _root.Resolve(guestPath);
        if (!File.Exists(hostPath))
        {
            return null;
        }

        var content = await _root.ReadFileAsync(guestPath, maxBytes, cancellationToken).ConfigureAwait(false);
        return new RootFile(guestPath, content, File.GetUnixFileMode(hostPath) & PermissionBits);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListFilesAsync(string guestFolder, CancellationToken cancellationToken)
    {
        var folder = _root.Resolve(guestFolder);
        IReadOnlyList<string> names = Directory.Exists(folder)
            ? new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => f.LinkTarget is null)
                .Select(f => f.Name)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return Task.FromResult(names);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string guestPath, CancellationToken cancellationToken) => Task.FromResult(_root.Exists(guestPath));

    /// <inheritdoc />
    public async Task ApplyAsync(IReadOnlyList<RootEdit> edits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edits);
        foreach (var edit in edits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ApplyAsync(edit, cancellationToken).ConfigureAwait(false);
        }
    }

    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    private async Task ApplyAsync(RootEdit edit, CancellationToken cancellationToken)
    {
        switch (edit)
        {
            case WriteFileEdit { Owner: { } owner } write:
                // The file itself is replaced, never followed; a link among its folders is refused, not resolved.
                _root.ResolveWithoutLinks(Parent(write.GuestPath));
                await _root.WriteFileAsync(write.GuestPath, write.Content, write.Mode, cancellationToken).ConfigureAwait(false);
                _root.SetOwner(write.GuestPath, owner.Uid, owner.Gid);

                // chown clears setuid and setgid: the mode goes on again, on the file just written (not a link).
                File.SetUnixFileMode(_root.ResolveWithoutLinks(write.GuestPath), write.Mode);
                break;
            case WriteFileEdit write:
                await _root.WriteFileAsync(write.GuestPath, write.Content, write.Mode, cancellationToken).ConfigureAwait(false);
                break;
            case CopyFileEdit copy:
                await _root.CopyFileAsync(copy.HostSource, copy.GuestPath, copy.Mode, cancellationToken).ConfigureAwait(false);
                break;
            case CreateDirectoryEdit { Owner: { } owner } directory:
                var ownedPath = _root.ResolveWithoutLinks(directory.GuestPath);
                Directory.CreateDirectory(ownedPath, directory.Mode);
                File.SetUnixFileMode(ownedPath, directory.Mode);
                _root.SetOwner(directory.GuestPath, owner.Uid, owner.Gid);
                break;
            case CreateDirectoryEdit directory:
                // CreateDirectory leaves the mode of an existing folder alone; ~/.ssh must not stay group-writable.
                File.SetUnixFileMode(_root.CreateDirectory(directory.GuestPath, directory.Mode), directory.Mode);
                break;
            case SymlinkEdit link:
                // A regular file there (an admin's unit file) is replaced as well as a link.
                _root.DeleteFile(link.GuestPath);
                _root.CreateSymlink(link.GuestPath, link.Target);
                break;
            case DeleteFileEdit delete:
                _root.DeleteFile(delete.GuestPath);
                break;
            default:
                throw new InvalidOperationException($"No way to apply {edit.GetType().Name}");
        }
    }

    private static string Parent(string guestPath)
    {
        var slash = guestPath.LastIndexOf('/');
        return slash <= 0 ? "/" : guestPath[..slash];
    }
}
