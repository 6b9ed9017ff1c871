using System.Diagnostics;
using Diskless.Abstractions;
using Diskless.Cli.Processes;
using Diskless.Cli.State;
using Diskless.Cli.Templates;
using Diskless.Plugins.Debian;

namespace Diskless.Testing;

/// <summary>
/// The default Debian base, built once per machine by the host's own base cache in the data dir the end-to-end tests
/// use (<c>${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/e2e</c>) and kept between runs. Every real test that
/// needs a root, a kernel or an initramfs takes it from here: a fresh machine has nothing in /boot, and nothing the
/// suite needs may come from what the host happens to have installed.
/// </summary>
public static class DebianTestBase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Where test machines keep bases and roots between runs.</summary>
    public static string Home =>
        Environment.GetEnvironmentVariable("DISKLESS_TEST_HOME") is { Length: > 0 } home ? home : "/var/tmp/diskless-test-home";

    /// <summary>The data dir the end-to-end tests give the real program; its <c>bases/</c> holds the test base.</summary>
    public static string DataDirectory => Path.Combine(Home, "e2e");

    /// <summary>The distro section a Disklessfile with no <c>[distro]</c> table gets: the base `diskless up` builds by default.</summary>
    public static DistroSpec DefaultSpec { get; } =
        new("debian", null, null, [], "diskless", "C.UTF-8", "Etc/UTC", new Dictionary<string, SpecValue>(), new SourceLocation("Disklessfile", 1, 1));

    /// <summary>Returns the base's folder, debootstrapping it first (minutes) when the cache lacks it.</summary>
    public static async Task<string> EnsureAsync(Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var progress = new LineProgress(log);
        var commands = new CliWrapCommandRunner(progress);
        var host = new BuildHost(commands, new Chroot(commands), progress, new HostPaths(DataDirectory));
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var distro = new DebianDistro();
            var spec = distro.DescribeBase(DefaultSpec);
            var cache = new BaseCache(host);
            var cached = Directory.Exists(cache.PathFor(BaseCache.KeyFor(spec, BaseCache.PluginVersion(distro))));
            var clock = Stopwatch.StartNew();
            var path = await cache.EnsureAsync(distro, spec, cancellationToken).ConfigureAwait(false);
            log(cached ? $"cached base: {path}" : $"built base {path} in {clock.Elapsed.TotalSeconds:0} s");
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The base's newest kernel and its initramfs, building the base first when needed.</summary>
    public static async Task<BaseKernel> EnsureKernelAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var basePath = await EnsureAsync(log, cancellationToken).ConfigureAwait(false);
        var boot = Path.Combine(basePath, "boot");
        var kernel = Directory.EnumerateFiles(boot, "vmlinuz-*").Order(StringComparer.Ordinal).LastOrDefault()
            ?? throw new InvalidOperationException($"the test base {basePath} has no kernel in /boot");
        var version = Path.GetFileName(kernel)["vmlinuz-".Length..];
        var initrd = Path.Combine(boot, "initrd.img-" + version);
        if (!File.Exists(initrd))
        {
            // A base is built without an initramfs (each machine's configure makes its own); the tests that boot the
            // base's kernel directly get Debian's default one (MODULES=most: every transport's modules), made once.
            await MakeInitramfsAsync(basePath, version, log, cancellationToken).ConfigureAwait(false);
        }

        return new BaseKernel(kernel, initrd);
    }

    private static async Task MakeInitramfsAsync(string basePath, string version, Action<string> log, CancellationToken cancellationToken)
    {
        var commands = new CliWrapCommandRunner(new LineProgress(log));
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(Path.Combine(basePath, "boot", "initrd.img-" + version)))
            {
                await new Chroot(commands).RunAsync(
                    basePath,
                    new CommandSpec("/usr/sbin/update-initramfs", "-c", "-k", version) { Description = "building the test base's initramfs", RequiresRoot = true },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}

/// <summary>A kernel image of the test base and the initramfs that goes with it, both as host paths.</summary>
public sealed record BaseKernel(string Kernel, string Initrd);

/// <summary>The real parts a base build needs: the CliWrap runner, the mounting chroot (apt-get clean runs in it), templates.</summary>
internal sealed class BuildHost(ICommandRunner commands, IChroot chroot, IProgressReporter progress, HostPaths paths) : IHostServices
{
    public ICommandRunner Commands => commands;

    public IChroot Chroot => chroot;

    public IUserNamespace? Namespace => null;

    public IRootFiles RootFiles(string rootDirectory) => new HostOwnedRootFiles(rootDirectory);

    public ITemplates Templates { get; } = new ScribanTemplates();

    public IProgressReporter Progress => progress;

    public HostPaths Paths => paths;

    public IProcessTable Processes { get; } = new ProcProcessTable();

    public string? FindExecutable(string name, params string[] extraDirectories) => ExecutableFinder.Find(name, extraDirectories);
}
