namespace Diskless.Abstractions;

/// <summary>The <c>[share]</c> table: how the root folder reaches the guest.</summary>
/// <param name="Transport">The transport; null means the provider's default (virtiofs where virtiofsd exists).</param>
/// <param name="NinePMsize">9p's maximum message size in bytes (large is much faster).</param>
public sealed record ShareSpec(ShareTransport? Transport, int NinePMsize = ShareSpec.DefaultNinePMsize)
{
    /// <summary>The default 9p msize: large, as throughput differs about 40 times.</summary>
    public const int DefaultNinePMsize = 512000;
}
