namespace Diskless.Abstractions;

/// <summary>A text file of a root as read: its guest path, content and permission bits.</summary>
public sealed record RootFile(string GuestPath, string Content, UnixFileMode Mode);
