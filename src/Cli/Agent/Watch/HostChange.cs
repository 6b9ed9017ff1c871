namespace Diskless.Cli.Agent.Watch;

/// <summary>
/// One host path that changed, as the coalescer hands it on: <paramref name="EntryChanged"/> when a name appeared or
/// went (created, deleted, renamed from or to), so the folder holding it gets an event too.
/// </summary>
internal sealed record HostChange(WatchedFolder Folder, string HostPath, bool EntryChanged);
