using Diskless.Cli.Processes;

namespace Diskless.Cli.State;

/// <summary>
/// Where a folder diskless is about to delete really lies. The links of its parent folders are resolved, so a path
/// that reads as inside but leads out is outside; the folder itself, if a link, is kept as the link (removed as one).
/// </summary>
public static class FolderContainment
{
    /// <summary><paramref name="folder"/> resolved, when that lies strictly inside <paramref name="parent"/> (resolved too); else null.</summary>
    public static string? Inside(string folder, string parent)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(parent);
        var target = Resolve(folder);
        return RealPath.IsStrictlyUnder(target, RealPath.Resolve(parent)) ? target : null;
    }

    /// <summary>
    /// <paramref name="expected"/> resolved, when <paramref name="named"/> (as a record wrote it) is that same folder and
    /// it lies strictly inside <paramref name="parent"/>; else null. A record whose folders differ from the ones this
    /// host computes (a hand-edited machine.json, another runtime base) is not trusted to name what to delete. This is
    /// the last line only: records live in the data dir and their folders are recomputed when read
    /// (<see cref="RecordCheck"/>).
    /// </summary>
    public static string? Expected(string named, string expected, string parent)
    {
        ArgumentException.ThrowIfNullOrEmpty(named);
        return Inside(expected, parent) is { } target && Resolve(named) == target ? target : null;
    }

    private static string Resolve(string folder) =>
        RealPath.Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), followLast: false);
}
