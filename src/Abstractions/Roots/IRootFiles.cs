namespace Diskless.Abstractions;

/// <summary>
/// Reads and edits the files of one machine root (or base) the way its owner sees them. A host-owned root is
/// reached in-process through <see cref="MachineRoot"/>; a root owned by subordinate ids (see <see cref="IdMap"/>),
/// which the invoking user cannot read or write directly, is reached inside the machine's sandbox, where the root is
/// "/" and nothing of the host is in reach. Either way a guest path never leads out of the root.
/// </summary>
public interface IRootFiles
{
    /// <summary>The root folder's absolute host path.</summary>
    string Path { get; }

    /// <summary>
    /// A regular file's text and mode by guest path, links followed inside the root; null when nothing or a folder is
    /// there. A special file (a fifo, a device node) is never opened: it reads as empty, with its mode. A file larger
    /// than <paramref name="maxBytes"/> is a <see cref="DisklessException"/>.
    /// </summary>
    Task<RootFile?> ReadAsync(string guestPath, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// The names of the files directly in a guest folder (not links, not folders), sorted ordinally; empty when the
    /// folder is absent. A special file may be among them: <see cref="ReadAsync"/> reads one as empty.
    /// </summary>
    Task<IReadOnlyList<string>> ListFilesAsync(string guestFolder, CancellationToken cancellationToken);

    /// <summary>True when something exists at the guest path (links followed inside the root).</summary>
    Task<bool> ExistsAsync(string guestPath, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="edits"/> in order; stops at the first that fails.</summary>
    Task ApplyAsync(IReadOnlyList<RootEdit> edits, CancellationToken cancellationToken);
}
