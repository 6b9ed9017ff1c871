using Diskless.Abstractions;
using Diskless.Cli.Isolation;
using Diskless.Cli.State;
using Diskless.Cli.Tests.Pipeline;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>The base cache for machines whose roots belong to their subordinate ids (a namespace on the host).</summary>
public sealed class BaseCacheNamespaceTests : IDisposable
{
    private static readonly BaseSpec Spec =
        new("debian", "bookworm", "http://deb.debian.org/debian", "amd64", ["a", "b"], new Dictionary<string, string> { ["components"] = "main" });

    private readonly TempFolder _temp = new();
    private readonly FakeDistro _distro = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Without_a_namespace_the_key_is_the_one_existing_caches_were_built_under()
    {
        Assert.Equal("debian-bookworm-amd64-442a6efe68d2bf56", BaseCache.KeyFor(Spec, "1.0"));
        Assert.Equal("debian-bookworm-amd64-442a6efe68d2bf56", BaseCache.KeyFor(Spec, "1.0", map: null));
    }

    [Fact]
    public void Bases_built_under_two_maps_are_two_bases_and_the_key_says_which_map()
    {
        var first = new IdMap(100000, 1500, 100000, 1500);
        var otherLogin = first with { LoginUid = 1501 };
        var otherRange = first with { SubordinateGidStart = 200000 };

        var keys = new[] { BaseCache.KeyFor(Spec, "1.0"), BaseCache.KeyFor(Spec, "1.0", first), BaseCache.KeyFor(Spec, "1.0", otherLogin), BaseCache.KeyFor(Spec, "1.0", otherRange) };

        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal("debian-bookworm-amd64-442a6efe68d2bf56-map" + first.Fingerprint, keys[1]);
        Assert.Equal(keys[1], BaseCache.KeyFor(Spec, "1.0", new IdMap(100000, 1500, 100000, 1500)));
    }

    [Fact(Timeout = 30_000)]
    public async Task Roots_folders_are_handed_to_guest_root_who_builds_and_moves_the_base_into_place()
    {
        // Whoever runs this test, a map that covers neither its uid nor its gid: the folders are "root's" to hand over.
        var (host, fake) = Host(new IdMap(100000, 99999, 100000, 99999));

        var path = await new BaseCache(host).EnsureAsync(_distro, _distro.DescribeBase(DebianTestBase.DefaultSpec), CancellationToken.None);

        var key = Path.GetFileName(path);
        Assert.EndsWith("-map" + fake.Map.Fingerprint, key, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(path, "boot", "vmlinuz")));
        var lines = Transcript(host, key);
        Assert.Equal(
            [
                "chown --no-dereference 100000:100000 -- DATA/tmp",
                "chown --no-dereference 100000:100000 -- DATA/bases",
                "chown --no-dereference 100000:100000 -- DATA/machines",
                // The user's package cache, which the build tools write as guest root.
                "chown --no-dereference 100000:100000 -- DATA/cache/packages/fake",
                "chown --no-dereference 100000:100000 -- DATA/tmp/KEY.TEMP",
                "nsenter -t 4242 -U -m -S 0 -G 0 -- mv -T -- DATA/tmp/KEY.TEMP DATA/bases/KEY",
            ],
            lines);
        Assert.DoesNotContain(host.Runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cached_base_is_reused_and_guest_root_can_still_reach_it_and_machines()
    {
        var (host, _) = Host(new IdMap(100000, 99999, 100000, 99999));
        var spec = _distro.DescribeBase(DebianTestBase.DefaultSpec);
        var cache = new BaseCache(host);
        Directory.CreateDirectory(cache.PathFor(cache.KeyFor(_distro, spec)));

        await cache.EnsureAsync(_distro, spec, CancellationToken.None);

        Assert.Empty(_distro.Calls);
        Assert.Equal(
            [
                "chown --no-dereference 100000:100000 -- DATA/tmp",
                "chown --no-dereference 100000:100000 -- DATA/bases",
                "chown --no-dereference 100000:100000 -- DATA/machines",
            ],
            Transcript(host, cache.KeyFor(_distro, spec)));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_users_own_folders_are_guest_1000s_already_and_the_tree_is_given_to_guest_root_from_inside()
    {
        var me = FileStatus.Read(_temp.Path)!;
        var (host, _) = Host(new IdMap(100000, me.Uid, 100000, me.Gid));

        var path = await new BaseCache(host).EnsureAsync(_distro, _distro.DescribeBase(DebianTestBase.DefaultSpec), CancellationToken.None);

        Assert.Equal(
            [
                "nsenter -t 4242 -U -m -S 0 -G 0 -- chown --no-dereference 0:0 -- DATA/tmp/KEY.TEMP",
                "nsenter -t 4242 -U -m -S 0 -G 0 -- mv -T -- DATA/tmp/KEY.TEMP DATA/bases/KEY",
            ],
            Transcript(host, Path.GetFileName(path)));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failed_build_is_removed_inside_the_namespace_then_by_the_caller_never_through_sudo()
    {
        var me = FileStatus.Read(_temp.Path)!;
        var (host, _) = Host(new IdMap(100000, me.Uid, 100000, me.Gid));
        _distro.FailBuild = new DisklessException("mirror unreachable");
        var spec = _distro.DescribeBase(DebianTestBase.DefaultSpec);

        await Assert.ThrowsAsync<DisklessException>(() => new BaseCache(host).EnsureAsync(_distro, spec, CancellationToken.None));

        var key = new BaseCache(host).KeyFor(_distro, spec);
        var lines = Transcript(host, key).Where(l => !l.StartsWith("stat ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "nsenter -t 4242 -U -m -S 0 -G 0 -- chown --no-dereference 0:0 -- DATA/tmp/KEY.TEMP",
                "nsenter -t 4242 -U -m -S 0 -G 0 -- rm -rf --one-file-system -- DATA/tmp/KEY.TEMP",
                "rm -rf --one-file-system -- DATA/tmp/KEY.TEMP",
            ],
            lines);
        Assert.DoesNotContain(host.Runner.Commands, c => c.RequiresRoot);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_ordinary_users_prune_moves_the_base_out_of_bases_as_guest_root_and_removes_it_there_never_through_sudo()
    {
        var me = FileStatus.Read(_temp.Path)!;
        var (host, _) = Host(new IdMap(100000, me.Uid, 100000, me.Gid));
        var spec = _distro.DescribeBase(DebianTestBase.DefaultSpec);
        var cache = new BaseCache(host);
        var key = cache.KeyFor(_distro, spec);
        DataDirectory.EnsureCreated(host.Paths);
        Directory.CreateDirectory(cache.PathFor(key));
        host.Runner
            .On("nsenter", _ => new CommandResult(0, "4096\tbase\n", "", TimeSpan.Zero), "du")
            .On("nsenter", c =>
            {
                Directory.Delete(c.Arguments[^1], recursive: true);
                return new CommandResult(0, "", "", TimeSpan.Zero);
            }, "rm");

        var freed = await new BasePruner(host).TryRemoveAsync(key, CancellationToken.None);

        Assert.Equal(4096, freed);
        Assert.False(Directory.Exists(cache.PathFor(key)));
        var lines = Transcript(host, key).Where(l => l.Contains(" mv ", StringComparison.Ordinal) || l.Contains("rm ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "nsenter -t 4242 -U -m -S 0 -G 0 -- mv -T -- DATA/bases/KEY DATA/tmp/KEY.pruned-TEMP",
                "nsenter -t 4242 -U -m -S 0 -G 0 -- rm -rf --one-file-system -- DATA/tmp/KEY.pruned-TEMP",
            ],
            lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"pruned-[0-9a-f]{8}", "pruned-TEMP")));
        Assert.DoesNotContain(host.Runner.Commands, c => c.RequiresRoot);
    }

    private (FakeHostServices Host, FakeUserNamespace Namespace) Host(IdMap map)
    {
        var userNamespace = new FakeUserNamespace(map);
        var host = new FakeHostServices(_temp.Combine("data")) { Namespace = userNamespace };
        // The fake runner runs nothing; the rename is the one command whose effect the cache then relies on.
        host.Runner.On("nsenter", c =>
        {
            Directory.Move(c.Arguments[^2], c.Arguments[^1]);
            return new CommandResult(0, "", "", TimeSpan.Zero);
        }, "mv");
        return (host, userNamespace);
    }

    private static List<string> Transcript(FakeHostServices host, string key)
    {
        var data = host.Paths.DataDirectory;
        return host.Runner.Transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("stat ", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Replace(data, "DATA", StringComparison.Ordinal).Replace(key, "KEY", StringComparison.Ordinal), @"KEY\.[0-9a-f]{8}", "KEY.TEMP"))
            .ToList();
    }
}
