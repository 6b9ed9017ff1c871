namespace Diskless.Abstractions;

/// <summary>
/// A distro plugin that can make a base from a cached one whose package set is a subset of it (same release, mirror,
/// architecture and options): the host clones that base into the target folder, and the plugin installs the packages
/// that are missing. Far cheaper than a build from nothing, which unpacks and configures every package again.
/// </summary>
public interface IDerivesBases
{
    /// <summary>Whether this plugin can derive a base with what <paramref name="host"/> lends it (roots in a user namespace, say); when not, the host builds from nothing.</summary>
    bool CanDerive(IHostServices host);

    /// <summary>
    /// Turns <paramref name="targetDirectory"/>, a fresh clone of the complete base of <paramref name="parent"/> in the
    /// data dir's temp area, into the base of <paramref name="spec"/> by installing the packages of
    /// <paramref name="spec"/> that <paramref name="parent"/> lacks. The host renames it into the cache only when this
    /// returns; on failure or cancellation it deletes it, so a failed derivation leaves no half-built base.
    /// </summary>
    Task DeriveBaseAsync(BaseSpec parent, BaseSpec spec, string targetDirectory, IHostServices host, CancellationToken cancellationToken);
}
