namespace Diskless.Plugins.Arch.Base;

/// <summary>pacman.conf.liquid: the guest's pacman.conf, or (<see cref="ForBuild"/>) the one pacstrap uses on the host.</summary>
public sealed record PacmanConfModel(bool ForBuild, string Architecture, string GpgDir, bool CheckSignatures, IReadOnlyList<string> Repositories, string Mirror);

/// <summary>mirrorlist.liquid.</summary>
public sealed record MirrorlistModel(string Mirror);
