namespace Diskless.Cli.Isolation;

/// <summary>A synced folder served through an idmapped bind of itself that makes its owner the guest's user.</summary>
/// <param name="HostPath">The folder, as the Disklessfile names it (resolved again, without links, when mounted).</param>
/// <param name="Uid">Its owner when the plan was made: the mount is refused if the folder then belongs to another.</param>
/// <param name="Gid">Its group when the plan was made.</param>
/// <param name="Map">The mount's id map.</param>
public sealed record OwnerMappedFolder(string HostPath, long Uid, long Gid, OwnerIdMap Map);
