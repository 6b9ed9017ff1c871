using System.Globalization;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;

namespace Diskless.Cli.State;

/// <summary>
/// The folders a machine's user namespace works in. Guest root has power only over files whose owner the namespace
/// maps: an ordinary user's own folders are guest 1000's, so guest root can already reach and write them; root's are
/// host root's, which no machine maps (guest root must never be host root), so root hands them to guest root.
/// </summary>
public static class GuestRootFolders
{
    /// <summary>
    /// Makes <paramref name="folder"/> reachable and writable by guest root. A folder whose owner the map covers is
    /// left alone (an ordinary user's). Any other is root's — only root can own a folder the user's map does not
    /// cover — and root gives it to guest root, keeping its mode: <c>bases/</c>, <c>machines/</c> and <c>tmp/</c> stay
    /// closed to other host users (0700) and become reachable from the namespace.
    /// </summary>
    public static Task EnsureReachableAsync(string folder, IUserNamespace userNamespace, ICommandRunner runner, CancellationToken cancellationToken) =>
        EnsureReachableAsync(folder, userNamespace, runner, Environment.IsPrivilegedProcess, cancellationToken);

    /// <summary><see cref="EnsureReachableAsync(string, IUserNamespace, ICommandRunner, CancellationToken)"/> for a caller that is root or not.</summary>
    internal static async Task EnsureReachableAsync(string folder, IUserNamespace userNamespace, ICommandRunner runner, bool callerIsRoot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(userNamespace);
        ArgumentNullException.ThrowIfNull(runner);
        var status = FileStatus.Read(folder, followLinks: false) ?? throw new DirectoryNotFoundException($"{folder} does not exist");
        if (Covers(userNamespace.Map, status.Uid, status.Gid))
        {
            return;
        }

        if (!callerIsRoot)
        {
            // Guest root's capabilities apply only where both owner and group are mapped: a folder of the user's with
            // another group (a setgid parent, say) is out of its reach, and only root could hand it over.
            var login = userNamespace.Map;
            throw new DisklessException(
                $"{folder} belongs to {status.Uid}:{status.Gid}, which the machine's user namespace does not map, so the machine's guest root cannot reach it",
                $"give it your own uid and group: chown {login.LoginUid}:{login.LoginGid} {folder}");
        }

        await runner.RunAsync(ChownToGuestRoot(folder, userNamespace.Map), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the data dir's <c>tmp/</c>, <c>bases/</c> and <c>machines/</c> reachable and writable by guest root (see
    /// <see cref="EnsureReachableAsync"/>): bases are built in tmp/ and renamed into bases/, roots are cloned into
    /// and removed from machines/, all as guest root. Creates them first when missing.
    /// </summary>
    public static async Task EnsureDataDirectoryReachableAsync(HostPaths paths, IUserNamespace userNamespace, ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        DataDirectory.EnsureCreated(paths);
        foreach (var folder in new[] { paths.TempDirectory, paths.BasesDirectory, paths.MachinesDirectory })
        {
            await EnsureReachableAsync(folder, userNamespace, runner, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives the empty folder <paramref name="folder"/>, just made by this process, to guest root: a tree's "/" must
    /// be guest root's, like every folder of it. An ordinary user's folder (guest 1000's) is chowned from inside the
    /// namespace; root's own, which the namespace cannot touch, by root directly.
    /// </summary>
    public static async Task HandOverAsync(string folder, IUserNamespace userNamespace, ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(userNamespace);
        ArgumentNullException.ThrowIfNull(runner);
        folder = Path.GetFullPath(folder);
        var status = FileStatus.Read(folder, followLinks: false) ?? throw new DirectoryNotFoundException($"{folder} does not exist");
        var command = Covers(userNamespace.Map, status.Uid, status.Gid)
            ? userNamespace.Enter(new CommandSpec("chown", "--no-dereference", "0:0", "--", folder) { Description = "give " + folder + " to guest root" })
            : ChownToGuestRoot(folder, userNamespace.Map);
        await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the namespace maps both host ids, so guest root's capabilities apply to a file they own.</summary>
    public static bool Covers(IdMap map, long hostUid, long hostGid)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.UidRanges.Any(r => hostUid >= r.Host && hostUid - r.Host < r.Count)
            && map.GidRanges.Any(r => hostGid >= r.Host && hostGid - r.Host < r.Count);
    }

    private static CommandSpec ChownToGuestRoot(string folder, IdMap map) =>
        new("chown", "--no-dereference", string.Create(CultureInfo.InvariantCulture, $"{map.ToHost(0)}:{map.ToHostGid(0)}"), "--", folder)
        {
            Description = "give " + folder + " to guest root",
        };
}
