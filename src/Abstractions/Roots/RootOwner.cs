namespace Diskless.Abstractions;

/// <summary>
/// A guest uid and gid. A host-owned root gets them as they are; a root in a user namespace gets them through its
/// <see cref="IdMap"/> (guest 1000 is then the host user).
/// </summary>
public sealed record RootOwner(int Uid, int Gid)
{
    /// <summary>The guest's root.</summary>
    public static readonly RootOwner Root = new(0, 0);

    /// <inheritdoc />
    public override string ToString() => $"{Uid}:{Gid}";
}
