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

    /// <summary>Returns the base's folder, building it first when the cache lacks it.</summary>
    public async Task<string> EnsureAsync(IDistro distro, BaseSpec spec, CancellationToken cancellationToken)
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

        if (Directory.Exists(final))
        {
            host.Progress.Info($"Using cached base {key}");
            return final;
        }

        Directory.CreateDirectory(host.Paths.BasesDirectory);
        // Two machines needing one base build it once: the second waits for the first's lock, then finds it.
        var lockDirectory = Directory.CreateDirectory(Path.Combine(host.Paths.BasesDirectory, ".locks", key)).FullName;
        await using (await WaitForBuildLockAsync(lockDirectory, key, cancellationToken).ConfigureAwait(false))
        {
            if (Directory.Exists(final))
            {
                return final;
            }

            await RemoveLeftoversAsync(key, cancellationToken).ConfigureAwait(false);
            var temp = Path.Combine(host.Paths.TempDirectory, $"{key}.{Guid.NewGuid().ToString("n")[..8]}");
            var subvolume = await Btrfs.IsFileSystemAsync(host.Paths.TempDirectory, host.Commands, cancellationToken).ConfigureAwait(false);
            try
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
                await MoveIntoPlaceAsync(temp, final, cancellationToken).ConfigureAwait(false);
                if (subvolume)
                {
                    await MakeImmutableAsync(final, cancellationToken).ConfigureAwait(false);
                }

                return final;
            }
            catch
            {
                await FolderRemover.RemoveAsync(temp, host.Paths.TempDirectory, host.Commands, host.Namespace, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
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

    /// <summary>
    /// Moving a folder to another parent rewrites its ".." entry, which needs write permission on the folder itself.
    /// A namespace base's "/" is guest root's (a subordinate id), not the user's, so the rename is done by guest root
    /// inside the namespace, which can write both parents (see <see cref="GuestRootFolders.EnsureReachableAsync"/>)
    /// and the tree. The alternative, a user-owned folder around the tree, would give namespace bases another layout
    /// than host-owned ones (the base would be a child of the cache entry) for every reader of the cache.
    /// </summary>
    private async Task MoveIntoPlaceAsync(string temp, string final, CancellationToken cancellationToken)
    {
        if (host.Namespace is not { } userNamespace)
        {
            Directory.Move(temp, final);
            return;
        }

        // -T: never move into an existing folder of that name; same filesystem (both in the data dir), so a rename.
        await host.Commands.RunAsync(
            userNamespace.Enter(new CommandSpec("mv", "-T", "--", temp, final) { Description = "move the finished base into the cache" }),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<MachineLock> WaitForBuildLockAsync(string lockDirectory, string key, CancellationToken cancellationToken)
    {
        var told = false;
        while (true)
        {
            try
            {
                return await MachineLock.AcquireAsync(lockDirectory, $"diskless: build base {key}", cancellationToken).ConfigureAwait(false);
            }
            catch (DisklessException e) when (e.ExitCode == ExitCodes.Locked)
            {
                if (!told)
                {
                    host.Progress.Info($"Waiting for another diskless command that is building base {key}: {e.Message}");
                    told = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
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
