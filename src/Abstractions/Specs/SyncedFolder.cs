namespace Diskless.Abstractions;

/// <summary>A host folder mounted in the guest (<c>[[synced_folders]]</c>).</summary>
/// <param name="HostPath">Absolute host path (relative paths in the Disklessfile are resolved against its folder).</param>
/// <param name="GuestPath">Absolute guest path.</param>
/// <param name="ReadOnly">Mounted read-only in the guest.</param>
/// <param name="Transport">The transport; null means the provider's default (virtiofs wherever virtiofsd exists), whatever the root's.</param>
/// <param name="NinePSecurityModel">For 9p: passthrough, mapped-xattr, mapped-file or none; null for passthrough.</param>
/// <param name="Location">Where it is written.</param>
/// <param name="Watch">
/// Host edits in the folder reach the guest's inotify watchers while the machine runs (<c>watch</c>; on unless the
/// folder is read-only, where the guest cannot produce an event).
/// </param>
public sealed record SyncedFolder(
    string HostPath,
    string GuestPath,
    bool ReadOnly,
    ShareTransport? Transport,
    string? NinePSecurityModel,
    SourceLocation? Location,
    bool Watch = true);
