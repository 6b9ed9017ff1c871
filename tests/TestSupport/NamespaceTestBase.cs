using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Plugins.Debian;

namespace Diskless.Testing;

/// <summary>
/// The default Debian base built as a namespace root: mmdebstrap entered into a user namespace with
/// <see cref="Map"/>, as root, through the host's own base cache in <c>${DISKLESS_TEST_HOME}/ns-base-root</c>, and
/// kept between runs (one build, minutes, per machine and map). Every file belongs to the map's subordinate range.
/// </summary>
public static class NamespaceTestBase
{
    /// <summary>The host uid guest 1000 maps to in <see cref="Map"/> (the project owner of a root-run machine).</summary>
    public const long LoginUid = 4321;

    /// <summary>The host gid guest 1000 maps to in <see cref="Map"/>.</summary>
    public const long LoginGid = 4322;

    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The data dir whose <c>bases/</c> holds the namespace base.</summary>
    public static string DataDirectory => Path.Combine(DebianTestBase.Home, "ns-base-root");

    /// <summary>Root's map as diskless makes it (root's /etc/subuid range, else the documented foreign range), with a fixed project owner so the cache key stays put.</summary>
    public static IdMap Map
    {
        get
        {
            var subuid = SubordinateIds.Read(SubordinateIds.UidFile, "root", 0);
            var subgid = SubordinateIds.Read(SubordinateIds.GidFile, "root", 0);
            return new IdMap(subuid?.Start ?? MachineIdMaps.RootRangeStart, LoginUid, subgid?.Start ?? MachineIdMaps.RootRangeStart, LoginGid);
        }
    }

    /// <summary>Starts a namespace holder with <see cref="Map"/> (root only); dispose it when done.</summary>
    public static Task<NamespaceHolder> StartNamespaceAsync(ICommandRunner runner, CancellationToken cancellationToken) =>
        NamespaceHolder.StartAsync(Map, HostIdentity.Current(), runner, new ProcProcessTable(), Path.Combine(DataDirectory, "run"), cancellationToken);

    /// <summary>Host services for a namespace root: the real runner, the namespace, the sandbox as chroot.</summary>
    public static IHostServices Host(ICommandRunner runner, IUserNamespace userNamespace, IProgressReporter progress, string dataDirectory) =>
        new NamespacedHostServices(new BuildHost(runner, new Chroot(runner), progress, new HostPaths(dataDirectory)), userNamespace);

    /// <summary>Returns the base's folder, building it first (minutes) in <paramref name="userNamespace"/> when the cache lacks it.</summary>
    public static async Task<string> EnsureAsync(ICommandRunner runner, IUserNamespace userNamespace, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var progress = new LineProgress(log);
        var host = Host(runner, userNamespace, progress, DataDirectory);
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var distro = new DebianDistro();
            var spec = distro.DescribeBase(DebianTestBase.DefaultSpec);
            var cache = new BaseCache(host);
            var cached = Directory.Exists(cache.PathFor(cache.KeyFor(distro, spec)));
            var clock = Stopwatch.StartNew();
            var path = await cache.EnsureAsync(distro, spec, cancellationToken).ConfigureAwait(false);
            log(cached ? $"cached namespace base: {path}" : $"built namespace base {path} in {clock.Elapsed.TotalSeconds:0} s");
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
