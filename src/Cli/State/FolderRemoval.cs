namespace Diskless.Cli.State;

/// <summary>How <see cref="FolderRemover"/> removed a folder.</summary>
public enum RemovalMethod
{
    /// <summary>There was nothing at that path.</summary>
    NothingThere,

    /// <summary>The path was a symbolic link: the link was removed, never what it points to.</summary>
    SymbolicLink,

    /// <summary>The folder was a btrfs subvolume, deleted with <c>btrfs subvolume delete</c>.</summary>
    BtrfsSubvolume,

    /// <summary>The folder was removed with <c>rm -rf --one-file-system</c>.</summary>
    Removed,
}

/// <summary>What <see cref="FolderRemover"/> did.</summary>
/// <param name="Path">The folder, with the links of its parent folders resolved.</param>
/// <param name="Method">How it went away.</param>
/// <param name="Unmounted">Mount points found under it and unmounted first, deepest first.</param>
public sealed record FolderRemoval(string Path, RemovalMethod Method, IReadOnlyList<string> Unmounted);
