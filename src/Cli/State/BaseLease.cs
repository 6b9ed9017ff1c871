namespace Diskless.Cli.State;

/// <summary>
/// A cached base with its lock held shared (see <see cref="BaseCache.LeaseAsync"/>): while the lease lasts, the base
/// stays where <see cref="Path"/> says, complete. Disposing it lets <c>prune</c> and builds take the lock again.
/// </summary>
internal sealed class BaseLease(string key, string path, MachineLock held) : IAsyncDisposable
{
    /// <summary>The base's cache key.</summary>
    public string Key { get; } = key;

    /// <summary>The base's folder in <c>bases/</c>.</summary>
    public string Path { get; } = path;

    public ValueTask DisposeAsync() => held.DisposeAsync();
}
