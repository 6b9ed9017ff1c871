namespace Diskless.Abstractions;

/// <summary>
/// One change to a root's files, applied by <see cref="IRootFiles.ApplyAsync"/>. Edits are data so that a plugin's
/// planner stays pure and golden-testable, and so that one implementation per kind of root applies them for every
/// distro plugin.
/// </summary>
public abstract record RootEdit
{
    /// <summary>The guest path the edit changes.</summary>
    public abstract string GuestPath { get; }

    /// <summary>One line for golden files and --verbose.</summary>
    public abstract string Describe();

    /// <summary>A mode as four octal digits (0644).</summary>
    protected static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>" uid:gid" when an owner is given.</summary>
    protected static string OwnerText(RootOwner? owner) => owner is null ? "" : $" {owner}";
}

/// <summary>
/// Writes a text file: a file or link already there is replaced, never written through. With an
/// <see cref="Owner"/>, the folders on the way must not be links (what a link points to would be handed to that owner).
/// Without one the file belongs to the guest's root.
/// </summary>
public sealed record WriteFileEdit(string GuestPath, string Content, UnixFileMode Mode, RootOwner? Owner = null) : RootEdit
{
    /// <inheritdoc />
    public override string GuestPath { get; } = GuestPath;

    /// <inheritdoc />
    public override string Describe() => $"write {Octal(Mode)}{OwnerText(Owner)} {GuestPath}";
}

/// <summary>Copies a host file (an SSH host key) into the root, owned by the guest's root.</summary>
public sealed record CopyFileEdit(string HostSource, string GuestPath, UnixFileMode Mode) : RootEdit
{
    /// <inheritdoc />
    public override string GuestPath { get; } = GuestPath;

    /// <inheritdoc />
    public override string Describe() => $"copy {Octal(Mode)} {GuestPath}";
}

/// <summary>
/// Creates a folder (and its missing parents) or sets the mode of the one there, then gives it to <see cref="Owner"/>;
/// with an owner, no component of the path may be a link.
/// </summary>
public sealed record CreateDirectoryEdit(string GuestPath, UnixFileMode Mode, RootOwner? Owner = null) : RootEdit
{
    /// <inheritdoc />
    public override string GuestPath { get; } = GuestPath;

    /// <inheritdoc />
    public override string Describe() => $"mkdir {Octal(Mode)}{OwnerText(Owner)} {GuestPath}";
}

/// <summary>Creates or replaces a symbolic link (a regular file there is replaced too); the target is written as given.</summary>
public sealed record SymlinkEdit(string GuestPath, string Target) : RootEdit
{
    /// <inheritdoc />
    public override string GuestPath { get; } = GuestPath;

    /// <inheritdoc />
    public override string Describe() => $"link {GuestPath} -> {Target}";
}

/// <summary>Removes a file or link when present (never a folder).</summary>
public sealed record DeleteFileEdit(string GuestPath) : RootEdit
{
    /// <inheritdoc />
    public override string GuestPath { get; } = GuestPath;

    /// <inheritdoc />
    public override string Describe() => $"delete {GuestPath}";
}
