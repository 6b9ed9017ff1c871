using Diskless.Abstractions;
using Diskless.Cli.State;
using Diskless.Testing;

namespace Diskless.Cli.Tests.State;

/// <summary>
/// Derived bases with fakes: which cached base a new one derives from, what prune keeps and removes of a chain, the
/// record next to each base, the package cache's bound, and a derivation through the real cache with a fake plugin
/// (a real clone; the plugin's install is a stand-in), also when it fails.
/// </summary>
public sealed class DerivedBaseTests : IDisposable
{
    private static readonly Dictionary<string, string> Options = new() { ["components"] = "main", ["variant"] = "minbase" };

    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private static BaseSpec Spec(params string[] packages) =>
        new("debian", "bookworm", "http://deb.debian.org/debian", "amd64", [.. packages.Order(StringComparer.Ordinal)], Options);

    [Fact]
    public void The_parent_is_the_largest_cached_package_set_that_is_a_subset()
    {
        var target = Spec("a", "b", "c", "d");
        (string, BaseSpec)[] candidates =
        [
            ("small", Spec("a")),
            ("large", Spec("a", "b", "c")),
            ("not-a-subset", Spec("a", "b", "c", "x")),
            ("same-set", Spec("a", "b", "c", "d")),
            ("other-release", Spec("a", "b", "c") with { Release = "trixie" }),
            ("other-mirror", Spec("a", "b", "c") with { Mirror = "http://mirror.example/debian" }),
            ("other-options", Spec("a", "b", "c") with { Options = new Dictionary<string, string> { ["components"] = "main,contrib", ["variant"] = "minbase" } }),
            ("other-architecture", Spec("a", "b", "c") with { Architecture = "arm64" }),
        ];

        var parent = BaseParents.Choose(target, candidates);

        Assert.Equal("large", parent?.Key);
        Assert.Equal(["d"], BaseParents.Extra(parent!.Value.Spec, target));
    }

    [Fact]
    public void No_parent_when_no_cached_set_is_a_strict_subset_and_ties_go_to_the_first_key()
    {
        Assert.Null(BaseParents.Choose(Spec("a", "b"), [("same", Spec("a", "b")), ("other", Spec("c"))]));
        Assert.Equal("k1", BaseParents.Choose(Spec("a", "b", "c"), [("k2", Spec("a", "b")), ("k1", Spec("a", "c"))])?.Key);
    }

    [Fact]
    public void The_cache_key_of_a_derived_base_is_the_key_of_its_own_full_spec()
    {
        var derived = Spec("a", "b");

        Assert.Equal(BaseCache.KeyFor(Spec("b", "a"), "1"), BaseCache.KeyFor(derived, "1"));
        Assert.NotEqual(BaseCache.KeyFor(Spec("a"), "1"), BaseCache.KeyFor(derived, "1"));
    }

    [Fact]
    public async Task Prune_keeps_every_parent_up_the_chain_of_a_base_a_machine_uses()
    {
        var removals = new List<string>();
        var outcome = await BaseChains.PruneAsync(
            ["a", "b", "c", "unrelated"],
            new Dictionary<string, string?> { ["a"] = null, ["b"] = "a", ["c"] = "b", ["unrelated"] = null },
            new Dictionary<string, IReadOnlyList<string>> { ["c"] = ["m1"] },
            (key, _) => { removals.Add(key); return Task.FromResult<long?>(10); },
            CancellationToken.None);

        Assert.Equal(["unrelated"], removals);
        Assert.Equal(["a", "b", "c"], outcome.Kept.Select(k => k.Key));
        Assert.Equal("in use", outcome.Kept.Single(k => k.Key == "c").Reason);
        Assert.Contains("base c, which is kept, was derived from it", outcome.Kept.Single(k => k.Key == "b").Reason, StringComparison.Ordinal);
        Assert.Contains("base b, which is kept", outcome.Kept.Single(k => k.Key == "a").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_removes_an_unused_chain_children_before_their_parents()
    {
        var removals = new List<string>();
        var outcome = await BaseChains.PruneAsync(
            ["a", "b", "c"],
            new Dictionary<string, string?> { ["b"] = "a", ["c"] = "b" },
            new Dictionary<string, IReadOnlyList<string>>(),
            (key, _) => { removals.Add(key); return Task.FromResult<long?>(10); },
            CancellationToken.None);

        Assert.Equal(["c", "b", "a"], removals);
        Assert.Empty(outcome.Kept);
        Assert.Equal(30, outcome.Removed.Sum(r => r.FreedBytes));
    }

    [Fact]
    public async Task A_child_another_command_holds_keeps_its_parents()
    {
        var removals = new List<string>();
        var outcome = await BaseChains.PruneAsync(
            ["a", "b"],
            new Dictionary<string, string?> { ["b"] = "a" },
            new Dictionary<string, IReadOnlyList<string>>(),
            (key, _) => { removals.Add(key); return Task.FromResult<long?>(key == "b" ? null : 10); },
            CancellationToken.None);

        Assert.Equal(["b"], removals);
        Assert.Equal(["a", "b"], outcome.Kept.Select(k => k.Key));
        Assert.Empty(outcome.Removed);
    }

    [Fact]
    public void Du_names_the_parents_a_used_base_needs_even_through_a_cycle_a_tampered_record_makes()
    {
        var needed = BaseChains.NeededParents(
            ["a", "b", "c"], new Dictionary<string, string?> { ["a"] = "c", ["b"] = "a", ["c"] = "b" }, ["c"]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "b", ["b"] = "c" }, needed);
    }

    [Fact]
    public async Task A_record_is_read_back_but_never_through_a_link_nor_for_another_key()
    {
        var paths = new HostPaths(_data.Path);
        Directory.CreateDirectory(Path.Combine(paths.BasesDirectory, "child"));
        Directory.CreateDirectory(Path.Combine(paths.BasesDirectory, "linked"));
        Directory.CreateDirectory(Path.Combine(paths.BasesDirectory, "other"));
        await BaseRecords.WriteAsync(paths, new BaseRecord("child", Spec("a", "b"), "parent"), CancellationToken.None);
        File.CreateSymbolicLink(BaseRecords.PathFor(paths, "linked"), BaseRecords.PathFor(paths, "child"));
        File.Copy(BaseRecords.PathFor(paths, "child"), BaseRecords.PathFor(paths, "other"));

        Assert.Equal("parent", BaseRecords.Read(paths, "child")?.DerivedFrom);
        Assert.Equal(["a", "b"], BaseRecords.Read(paths, "child")!.Spec.Packages);
        Assert.Null(BaseRecords.Read(paths, "linked"));
        Assert.Null(BaseRecords.Read(paths, "other"));
        Assert.Equal(new Dictionary<string, string?> { ["child"] = "parent", ["linked"] = null, ["other"] = null }, BaseRecords.Parents(paths));
    }

    [Fact]
    public async Task The_package_cache_drops_the_files_used_longest_ago_first_and_never_keeps_a_link()
    {
        var paths = new HostPaths(_data.Path);
        var cache = new PackageCache(paths);
        var folder = await cache.PrepareAsync("debian", null, new RecordingCommandRunner(), CancellationToken.None);
        foreach (var name in new[] { "old_1_all.deb", "middle_1_all.deb", "new_1_all.deb" })
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, name), new byte[1000]);
            // ctime has nanoseconds, but a coarse clock would make the three equal: space them.
            await Task.Delay(100);
        }

        var outside = _data.Combine("outside.deb");
        await File.WriteAllBytesAsync(outside, new byte[5000]);
        File.CreateSymbolicLink(Path.Combine(folder, "link_1_all.deb"), outside);

        await cache.PrepareAsync("debian", null, new RecordingCommandRunner(), CancellationToken.None);
        var newest = Path.GetFileName(cache.Files()[^1].Path);
        var trim = cache.Trim(limit: 1500);

        Assert.False(File.Exists(Path.Combine(folder, "link_1_all.deb")) || new FileInfo(Path.Combine(folder, "link_1_all.deb")).LinkTarget is not null);
        Assert.True(File.Exists(outside));
        Assert.Equal(2, trim.RemovedFiles);
        Assert.Equal(3, Directory.EnumerateFiles(folder).Count() + trim.RemovedFiles);
        Assert.Equal([newest], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
        Assert.Equal("new_1_all.deb", newest);
        Assert.Equal(1000, cache.Size());
    }

    [Theory]
    [InlineData(null, PackageCache.DefaultLimit)]
    [InlineData("500MiB", 500L * 1024 * 1024)]
    [InlineData("0", 0L)]
    [InlineData("nonsense", PackageCache.DefaultLimit)]
    public void The_package_cache_bound_comes_from_the_environment(string? value, long expected) =>
        Assert.Equal(expected, PackageCache.Limit(name => name == PackageCache.LimitVariable ? value : null));

    [RequiresFact("cp", Root = true, Timeout = 60_000)]
    public async Task A_missing_base_is_derived_from_a_cached_subset_which_stays_unchanged()
    {
        var host = new RealHost(_data.Path);
        var distro = new DerivingDistro();
        var cache = new BaseCache(host);
        var parentSpec = Spec("a");
        var parentKey = cache.KeyFor(distro, parentSpec);
        PlantBase(host.Paths, parentKey);

        await using (var lease = await cache.LeaseAsync(distro, Spec("a", "b"), [parentSpec], CancellationToken.None))
        {
            var record = BaseRecords.Read(host.Paths, lease.Key);
            Assert.Equal(parentKey, record?.DerivedFrom);
            Assert.Equal(["derive a -> a,b"], distro.Calls);
            Assert.Equal("parent\n", await File.ReadAllTextAsync(Path.Combine(lease.Path, "from-parent")));
            Assert.Equal("b\n", await File.ReadAllTextAsync(Path.Combine(lease.Path, "installed")));
        }

        Assert.False(File.Exists(Path.Combine(cache.PathFor(parentKey), "installed")));
        Assert.Null(BaseRecords.Read(host.Paths, parentKey)?.DerivedFrom);
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.TempDirectory));
    }

    [RequiresFact("cp", Root = true, Timeout = 60_000)]
    public async Task A_failed_derivation_leaves_no_half_built_base_and_no_record()
    {
        var host = new RealHost(_data.Path);
        var distro = new DerivingDistro { Fail = true };
        var cache = new BaseCache(host);
        var parentSpec = Spec("a");
        PlantBase(host.Paths, cache.KeyFor(distro, parentSpec));
        var key = cache.KeyFor(distro, Spec("a", "b"));

        await Assert.ThrowsAsync<DisklessException>(() => cache.LeaseAsync(distro, Spec("a", "b"), [parentSpec], CancellationToken.None));

        Assert.False(Directory.Exists(cache.PathFor(key)));
        Assert.Null(BaseRecords.Read(host.Paths, key));
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.TempDirectory));
        Assert.Empty(distro.Builds);
    }

    private static void PlantBase(HostPaths paths, string key)
    {
        DataDirectory.EnsureCreated(paths);
        var folder = Directory.CreateDirectory(Path.Combine(paths.BasesDirectory, key)).FullName;
        File.WriteAllText(Path.Combine(folder, "from-parent"), "parent\n");
    }

    /// <summary>A distro whose derivation writes what it would install into the clone (or fails half-way).</summary>
    private sealed class DerivingDistro : IDistro, IDerivesBases
    {
        public List<string> Calls { get; } = [];

        public List<string> Builds { get; } = [];

        public bool Fail { get; init; }

        public string Name => "debian";

        public string Description => "a deriving test distro";

        public IReadOnlyList<string> MissingCapabilities => [];

        public Task<IReadOnlyList<SpecIssue>> ValidateAsync(DistroSpec spec, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SpecIssue>>([]);

        public BaseSpec DescribeBase(DistroSpec spec) => throw new NotSupportedException();

        public InitramfsHints DescribeInitramfs(DistroSpec spec) => throw new NotSupportedException();

        public Task BuildBaseAsync(BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken)
        {
            Builds.Add(string.Join(',', spec.Packages));
            return Task.CompletedTask;
        }

        public Task<BootArtifacts> ConfigureAsync(ConfigureRequest request, IHostServices host, CancellationToken cancellationToken) => throw new NotSupportedException();

        public bool CanDerive(IHostServices host) => true;

        public async Task DeriveBaseAsync(BaseSpec parent, BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken)
        {
            Calls.Add($"derive {string.Join(',', parent.Packages)} -> {string.Join(',', spec.Packages)}");
            await File.WriteAllTextAsync(Path.Combine(targetDirectory, "installed"), string.Join(',', spec.Packages.Except(parent.Packages)) + "\n", cancellationToken);
            if (Fail)
            {
                throw new DisklessException("apt-get failed half-way");
            }
        }
    }
}
