using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.State;
using Xunit.Abstractions;

namespace Diskless.Plugins.Debian.Tests.Real;

/// <summary>
/// A real debootstrapped base, from the host's own base cache in the data dir the end-to-end tests use
/// (<c>${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/e2e</c>), so a machine debootstraps the default base once
/// for both suites and keeps it between runs.
/// </summary>
internal static class RealBase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Home =>
        Environment.GetEnvironmentVariable("DISKLESS_TEST_HOME") is { Length: > 0 } home ? home : "/var/tmp/diskless-test-home";

    public static string DataDirectory => Path.Combine(Home, "e2e");

    public static async Task<string> EnsureAsync(DebianDistro distro, BaseSpec spec, RealHost host, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var cache = new BaseCache(host);
            var cached = Directory.Exists(cache.PathFor(BaseCache.KeyFor(spec, BaseCache.PluginVersion(distro))));
            var clock = Stopwatch.StartNew();
            var path = await cache.EnsureAsync(distro, spec, cancellationToken);
            if (cached)
            {
                output.WriteLine($"cached base: {path}");
                return path;
            }

            var du = await host.Commands.RunAsync(new CommandSpec("du", "-s", "--block-size=1M", path), cancellationToken);
            output.WriteLine($"built base {path} in {clock.Elapsed.TotalSeconds:0} s, {du.StandardOutput.Split('\t')[0]} MB");
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
