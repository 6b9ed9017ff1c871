using Diskless.Abstractions;
using Diskless.Cli.Configuration;
using Diskless.Cli.Processes;

namespace Diskless.Cli.Trust;

/// <summary>
/// Stops a command before it builds or starts anything when its Disklessfile reaches past the project and the user
/// has not trusted that exact file: each request with file:line, and the command that grants them.
/// </summary>
public static class TrustGate
{
    /// <summary>The Disklessfile's real path: what a consent names, so a copy elsewhere is another file.</summary>
    public static string RealDisklessfile(ProjectSpec project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return RealPath.Resolve(project.DisklessfilePath);
    }

    /// <summary>Whether <paramref name="project"/>'s requests are granted: it has none, or the user trusts this exact file.</summary>
    public static bool IsGranted(ProjectSpec project, TrustStore store)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(store);
        return project.Requests.Count == 0 || store.IsTrusted(RealDisklessfile(project), project.ContentSha256);
    }

    /// <summary>Throws unless <see cref="IsGranted"/>.</summary>
    public static void Require(ProjectSpec project, TrustStore store)
    {
        if (IsGranted(project, store))
        {
            return;
        }

        var edited = store.List().Any(f => f.Path == RealDisklessfile(project));
        throw new DisklessException(
            $"{project.DisklessfilePath} reaches past its project, and you have not trusted {(edited ? "it since it changed" : "it")}. Nothing was built or started:\n"
            + string.Join('\n', project.Requests.Select(r => "  " + r)),
            $"read those lines; if you want them, run `diskless trust` in {project.ProjectDirectory} (it trusts this content of this file only)",
            ExitCodes.InvalidConfiguration);
    }
}
