using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Diskless.Abstractions;
using Diskless.Cli.State;
using Xunit.Abstractions;

namespace Diskless.Plugins.Debian.Tests.Real;

/// <summary>
/// A real debootstrapped base, built once and kept between runs at
/// <c>${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/debian-base-&lt;hash of the BaseSpec&gt;</c>, built in a temp
/// folder and renamed into place the way the host does it, so a half-built base is never reused.
/// </summary>
internal static class RealBase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Home =>
        Environment.GetEnvironmentVariable("DISKLESS_TEST_HOME") is { Length: > 0 } home ? home : "/var/tmp/diskless-test-home";

    public static string Key(BaseSpec spec)
    {
        var text = string.Join('\n', [
            spec.Distro, spec.Release, spec.Mirror, spec.Architecture,
            string.Join(',', spec.Packages),
            .. spec.Options.Select(o => $"{o.Key}={o.Value}")]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    public static async Task<string> EnsureAsync(DebianDistro distro, BaseSpec spec, RealHost host, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var path = Path.Combine(Home, $"debian-base-{Key(spec)}");
            if (Directory.Exists(path))
            {
                output.WriteLine($"cached base: {path}");
                return path;
            }

            var temporaries = Path.Combine(Home, "tmp");
            var temp = Path.Combine(temporaries, $"debian-base-{Key(spec)}-{Guid.NewGuid():n}");
            Directory.CreateDirectory(temp);
            var clock = Stopwatch.StartNew();
            try
            {
                await distro.BuildBaseAsync(spec, temp, host, cancellationToken);
            }
            catch
            {
                await FolderRemover.RemoveAsync(temp, temporaries, host.Commands, CancellationToken.None);
                throw;
            }

            Directory.Move(temp, path);
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
