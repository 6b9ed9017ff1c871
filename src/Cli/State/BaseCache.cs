using System.Security.Cryptography;
using System.Text;
using Diskless.Abstractions;

namespace Diskless.Cli.State;

/// <summary>
/// Complete base root filesystems in the data dir, one folder per key. A base is built in the temp area and
/// renamed into place only when complete, so the cache never holds a half-built base; a failed or interrupted
/// build is removed, and leftovers of a crashed one are removed by the next build of the same key.
/// </summary>
internal sealed class BaseCache(IHostServices host)
{
    /// <summary>
    /// The cache key: distro, release and a hash of everything that changes the result (mirror, architecture,
    /// package set, options, plugin version). Readable in a listing, unique in content. A base built in a user
    /// namespace belongs to that namespace's host ids, so it is another base under another map: its key ends in
    /// "-map" and the map's <see cref="IdMap.Fingerprint"/>. Host-owned bases (<paramref name="map"/> null) keep the
    /// key they always had, so existing caches stay valid.
    /// </summary>
    public static string KeyFor(BaseSpec spec, string pluginVersion, IdMap? map = null)
    {
        var canonical = new StringBuilder()
            .Append("distro=").Append(spec.Distro).Append('\n')
            .Append("release=").Append(spec.Release).Append('\n')
            .Append("mirror=").Append(spec.Mirror).Append('\n')
            .Append("architecture=").Append(spec.Architecture).Append('\n')
            .Append("packages=").AppendJoin(',', spec.Packages.Order(StringComparer.Ordinal)).Append('\n');
        foreach (var (key, value) in spec.Options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            canonical.Append("option.").Append(key).Append('=').Append(value).Append('\n');
        }

        canonical.Append("plugin=").Append(pluginVersion).Append('\n');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..16];
        var readable = $"{spec.Distro}-{spec.Release}-{spec.Architecture}-{hash}";
        return map is null ? readable : $"{readable}-map{map.Fingerprint}";
    }

    public static string PluginVersion(IDistro distro) =>
        distro.GetType().Assembly.GetName().Version?.ToString() ?? "0";

    public string PathFor(string key) => Path.Combine(host.Paths.BasesDirectory, key);

    /// <summary>The cache key of <paramref name="spec"/> as <paramref name="distro"/> builds it on this host (under its namespace's map, if any).</summary>
    public string KeyFor(IDistro distro, BaseSpec spec) => KeyFor(spec, PluginVersion(distro), host.Namespace?.Map);

    /// <summary>
    /// Returns the base's folder, building it first when the cache lacks it. Nothing is held once this returns: a
    /// caller that reads the base (a clone) takes it with <see cref="LeaseAsync"/> instead.
    /// </summary>
    public async Task<string> EnsureAsync(IDistro distro, BaseSpec spec, CancellationToken cancellationToken)
    {
        await using var lease = await LeaseAsync(distro, spec, [], cancellationToken).ConfigureAwait(false);
        return lease.Path;
    }

    /// <summary>The base with its lock held shared (<see cref="LeaseAsync(IDistro, BaseSpec, IReadOnlyList{BaseSpec}, CancellationToken)"/>), no other specs named.</summary>
    public Task<BaseLease> LeaseAsync(IDistro distro, BaseSpec spec, CancellationToken cancellationToken) =>
        LeaseAsync(distro, spec, [], cancellationToken);

    /// <summary>
    /// The base, built first when the cache lacks it, with its lock held shared until the lease is disposed: from the
    /// moment it is found to the end of the clone, <c>prune</c> (which takes the lock exclusively) cannot take it away,
    /// and other cloners share it. A build takes the lock exclusively, so a base is never found half-built either.
    /// A base the cache lacks is derived from the cached base with the most of its packages (same release, mirror,
    /// architecture and options), when the plugin can (<see cref="IDerivesBases"/>), else built from nothing.
    /// <paramref name="knownSpecs"/> names specs whose bases may be cached without a record (built before records
    /// existed): the plain base of the same <c>[distro]</c> table, typically, so it can be a parent too.
    /// </summary>
    public async Task<BaseLease> LeaseAsync(IDistro distro, BaseSpec spec, IReadOnlyList<BaseSpec> knownSpecs, CancellationToken cancellationToken)
    {
        var key = KeyFor(distro, spec);
        var final = PathFor(key);
        DataDirectory.EnsureCreated(host.Paths);
        if (host.Namespace is { } userNamespace)
        {
            // Guest root builds into tmp/, renames into bases/ and clones from there into machines/: all three must be
            // its to reach, also when the base is already cached.
            await GuestRootFolders.EnsureDataDirectoryReachableAsync(host.Paths, userNamespace, host.Commands, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(host.Paths.BasesDirectory);
        var lockDirectory = LockDirectory(host.Paths, key);
        var built = false;
        while (true)
        {
            var shared = await WaitForLockAsync(lockDirectory, key, shared: true, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(final))
            {
                if (!built)
                {
                    host.Progress.Info($"Using cached base {key}");
                }

                if (BaseRecords.Read(host.Paths, key) is null)
                {
                    // A base from before records: its spec is known now, so later bases can derive from it.
                    await BaseRecords.WriteAsync(host.Paths, new BaseRecord(key, spec, null), cancellationToken).ConfigureAwait(false);
                }

                return new BaseLease(key, final, shared);
            }

            // Not there (never built, or pruned since): build it, then take it shared like any other cloner. A lock
            // cannot go from exclusive to shared without letting go, so a prune may slip in between: the loop builds again.
            await shared.DisposeAsync().ConfigureAwait(false);
            await BuildUnlessPresentAsync(distro, spec, key, final, lockDirectory, knownSpecs, cancellationToken).ConfigureAwait(false);
            built = true;
        }
    }

    /// <summary>The folder holding the lock of base <paramref name="key"/>: shared by its cloners, exclusive for its build and its removal.</summary>
    public static string LockDirectory(HostPaths paths, string key) => Path.Combine(paths.BasesDirectory, ".locks", key);

    /// <summary>How long a command waits between two attempts at a base's lock; tests shorten it.</summary>
    internal TimeSpan LockRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    private async Task BuildUnlessPresentAsync(
        IDistro distro, BaseSpec spec, string key, string final, string lockDirectory, IReadOnlyList<BaseSpec> knownSpecs, CancellationToken cancellationToken)
    {
        // Two machines needing one base build it once: the second waits for the first's lock, then finds it.
        await using (await WaitForLockAsync(lockDirectory, key, shared: false, cancellationToken).ConfigureAwait(false))
        {
            if (Directory.Exists(final))
            {
                return;
            }

            await RemoveLeftoversAsync(key, cancellationToken).ConfigureAwait(false);
            var temp = Path.Combine(host.Paths.TempDirectory, $"{key}.{Guid.NewGuid().ToString("n")[..8]}");
            var subvolume = await Btrfs.IsFileSystemAsync(host.Paths.TempDirectory, host.Commands, cancellationToken).ConfigureAwait(false);
            var packages = new PackageCache(host.Paths);
            await packages.PrepareAsync(spec.Distro, host.Namespace, host.Commands, cancellationToken).ConfigureAwait(false);
            string? derivedFrom = null;
            try
            {
                derivedFrom = await TryDeriveAsync(distro, spec, key, temp, knownSpecs, cancellationToken).ConfigureAwait(false);
                if (derivedFrom is null)
                {
                    await BuildFromNothingAsync(distro, spec, key, temp, subvolume, cancellationToken).ConfigureAwait(false);
                }

                await DataDirectoryMove.MoveAsync(temp, final, host, "move the finished base into the cache", cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await FolderRemover.RemoveAsync(temp, host.Paths.TempDirectory, host.Commands, host.Namespace, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            finally
            {
                var trim = packages.Trim(PackageCache.Limit(Environment.GetEnvironmentVariable));
                if (trim.RemovedFiles > 0)
                {
                    host.Progress.Verbose($"package cache: dropped {trim.RemovedFiles} file(s) used longest ago to stay within its bound ({PackageCache.LimitVariable})");
                }
            }

            if (subvolume)
            {
                await MakeImmutableAsync(final, cancellationToken).ConfigureAwait(false);
            }

            // After the move: a record never names a base that is not there.
            await BaseRecords.WriteAsync(host.Paths, new BaseRecord(key, spec, derivedFrom), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task BuildFromNothingAsync(IDistro distro, BaseSpec spec, string key, string temp, bool subvolume, CancellationToken cancellationToken)
    {
        // On btrfs a base is a subvolume, so every machine's root is an instant snapshot of it.
        await CreateTreeFolderAsync(temp, subvolume, cancellationToken).ConfigureAwait(false);
        if (host.Namespace is { } buildNamespace)
        {
            // The tree's "/" is guest root's like the rest of it (guest root = the first subordinate id).
            await GuestRootFolders.HandOverAsync(temp, buildNamespace, host.Commands, cancellationToken).ConfigureAwait(false);
        }

        // The plugin shows the build's stages; the cache says only why a build happens.
        host.Progress.Info($"Base {key} is not in the cache yet: building it (minutes; later machines reuse it).");
        await distro.BuildBaseAsync(spec, temp, host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Derives the base into <paramref name="temp"/> from the best cached parent, holding the parent's lock shared
    /// while it is cloned (prune cannot take it meanwhile); returns the parent's key, or null when there is no parent
    /// (or the plugin cannot derive) and nothing was made.
    /// </summary>
    private async Task<string?> TryDeriveAsync(IDistro distro, BaseSpec spec, string key, string temp, IReadOnlyList<BaseSpec> knownSpecs, CancellationToken cancellationToken)
    {
        if (distro is not IDerivesBases deriver || !deriver.CanDerive(host))
        {
            return null;
        }

        var candidates = Candidates(distro, knownSpecs).Where(c => c.Key != key);
        if (BaseParents.Choose(spec, candidates) is not { } parent)
        {
            return null;
        }

        await using (var parentLock = await WaitForLockAsync(LockDirectory(host.Paths, parent.Key), parent.Key, shared: true, cancellationToken).ConfigureAwait(false))
        {
            var parentPath = PathFor(parent.Key);
            if (!Directory.Exists(parentPath))
            {
                // Pruned since the listing.
                return null;
            }

            var extra = BaseParents.Extra(parent.Spec, spec);
            host.Progress.Info($"Base {key} is not in the cache yet: deriving it from base {parent.Key} (adding {string.Join(", ", extra)}).");
            await RootCloner.CloneAsync(parentPath, temp, host.Commands, host.Progress, host.Namespace, cancellationToken).ConfigureAwait(false);
        }

        await deriver.DeriveBaseAsync(parent.Spec, spec, temp, host, cancellationToken).ConfigureAwait(false);
        return parent.Key;
    }

    /// <summary>The cached bases whose spec is known: by their record (when it matches this plugin version and map), or by <paramref name="knownSpecs"/>.</summary>
    private IEnumerable<(string Key, BaseSpec Spec)> Candidates(IDistro distro, IReadOnlyList<BaseSpec> knownSpecs)
    {
        var found = new Dictionary<string, BaseSpec>(StringComparer.Ordinal);
        foreach (var (recordKey, record) in BaseRecords.ReadAll(host.Paths))
        {
            // A record whose spec does not hash to its key was made by another plugin version or for another map.
            if (KeyFor(distro, record.Spec) == recordKey)
            {
                found[recordKey] = record.Spec;
            }
        }

        foreach (var known in knownSpecs)
        {
            var knownKey = KeyFor(distro, known);
            if (Directory.Exists(PathFor(knownKey)) && new DirectoryInfo(PathFor(knownKey)).LinkTarget is null)
            {
                found.TryAdd(knownKey, known);
            }
        }

        return found.Select(f => (f.Key, f.Value));
    }

    private async Task CreateTreeFolderAsync(string temp, bool subvolume, CancellationToken cancellationToken)
    {
        const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!subvolume)
        {
            Directory.CreateDirectory(temp, RootMode);
            return;
        }

        // Made as this process, like a folder: any user may create a subvolume where it may write.
        await host.Commands.RunAsync(new CommandSpec("btrfs", "subvolume", "create", temp) { Description = "a subvolume for the new base" }, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(temp, RootMode);
    }

    /// <summary>
    /// Machines are snapshots of a base: a base never changes once complete. On btrfs that is enforced by the
    /// subvolume's read-only flag (snapshots of it are writable); where the flag cannot be set the base stays as it is.
    /// </summary>
    private async Task MakeImmutableAsync(string final, CancellationToken cancellationToken)
    {
        try
        {
            await host.Commands.RunAsync(Btrfs.ReadOnly(final, readOnly: true, host.Namespace), cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            host.Progress.Warn($"could not make the base {final} read-only ({e.OutputTail.LastOrDefault() ?? e.Message}); it is used as it is");
        }
    }

    private async Task<MachineLock> WaitForLockAsync(string lockDirectory, string key, bool shared, CancellationToken cancellationToken)
    {
        var told = false;
        while (true)
        {
            try
            {
                return shared
                    ? await MachineLock.AcquireSharedAsync(lockDirectory, cancellationToken).ConfigureAwait(false)
                    : await MachineLock.AcquireAsync(lockDirectory, $"diskless: build base {key}", cancellationToken).ConfigureAwait(false);
            }
            catch (DisklessException e) when (e.ExitCode == ExitCodes.Locked)
            {
                if (!told)
                {
                    host.Progress.Info(shared
                        ? $"Waiting for another diskless command that is building or removing base {key}: {e.Message}"
                        : $"Waiting for another diskless command that is building, cloning or removing base {key}: {e.Message}");
                    told = true;
                }

                await Task.Delay(LockRetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveLeftoversAsync(string key, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(host.Paths.TempDirectory))
        {
            Directory.CreateDirectory(host.Paths.TempDirectory);
            return;
        }

        foreach (var leftover in Directory.EnumerateDirectories(host.Paths.TempDirectory, key + ".*"))
        {
            host.Progress.Info($"Removing a half-built base left by an interrupted run: {leftover}");
            await FolderRemover.RemoveAsync(leftover, host.Paths.TempDirectory, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
        }
    }
}
