using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// Renames a tree between two folders of the data dir (same filesystem: one rename, never a copy), as the tree's owner.
/// </summary>
internal static class DataDirectoryMove
{
    /// <summary>
    /// Moves <paramref name="from"/> to <paramref name="to"/>, which must not exist. Moving a folder to another parent
    /// rewrites its ".." entry, which needs write permission on the folder itself: a namespace tree's "/" is guest
    /// root's (a subordinate id), not the user's, so the rename is done by guest root inside the namespace, which can
    /// write both parents (see <see cref="GuestRootFolders.EnsureReachableAsync(string, IUserNamespace, ICommandRunner, CancellationToken)"/>) and the tree.
    /// </summary>
    public static async Task MoveAsync(string from, string to, IHostServices host, string description, CancellationToken cancellationToken)
    {
        if (host.Namespace is not { } userNamespace)
        {
            Directory.Move(from, to);
            return;
        }

        // -T: never move into an existing folder of that name.
        await host.Commands.RunAsync(
            userNamespace.Enter(new CommandSpec("mv", "-T", "--", from, to) { Description = description }),
            cancellationToken).ConfigureAwait(false);
    }
}
