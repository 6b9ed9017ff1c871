using Diskless.Abstractions;

namespace Diskless.Cli.Processes;

/// <summary>
/// The check every way of running a program in a root folder makes first (<see cref="Chroot"/> and the namespace
/// sandbox alike): the folder exists and is not the host's own "/", with links resolved so that a link to "/" is
/// refused as well.
/// </summary>
internal static class ProgramRoot
{
    /// <summary>The resolved root folder; a <see cref="DisklessException"/> when it is "/" or missing.</summary>
    /// <param name="rootDirectory">The folder as given.</param>
    /// <param name="action">What is refused, for the message: "chroot into", "run a sandbox on".</param>
    public static string Validate(string rootDirectory, string action)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        var root = RealPath.Resolve(rootDirectory);
        if (root == "/")
        {
            throw new DisklessException($"refusing to {action} the host's own root ('{rootDirectory}')");
        }

        if (!Directory.Exists(root))
        {
            throw new DisklessException($"cannot {action} {rootDirectory}: the folder does not exist");
        }

        return root;
    }
}
