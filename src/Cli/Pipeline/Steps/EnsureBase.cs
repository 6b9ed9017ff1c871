using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Steps;

/// <summary>
/// Finds the machine's base in the cache, building it when absent (never half-built: see <see cref="BaseCache"/>), and
/// holds its lock shared until <see cref="CloneRoot"/> is done with it, so <c>prune</c> cannot take it away meanwhile.
/// </summary>
internal sealed class EnsureBase : IStep<UpContext>
{
    public string Name => "base";

    public bool ShouldRun(UpContext context) => context.CreatedNow;

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        if (context.Spec.SizeBytes is { } limit)
        {
            // Minutes before the clone would find out: a size that cannot be enforced here is refused first.
            DataDirectory.EnsureCreated(context.Host.Paths);
            await RootQuota.EnsurePossibleAsync(context.Host.Paths.MachinesDirectory, limit, context.Host.Commands, Environment.IsPrivilegedProcess, cancellationToken).ConfigureAwait(false);
        }

        var spec = context.Distro.DescribeBase(context.Spec.Distro);
        var cache = new BaseCache(context.Host);
        // The plain base of the same [distro] table may be cached without a record (made before records existed): name
        // it, so a base with more packages can still be derived from it.
        var plain = context.Distro.DescribeBase(context.Spec.Distro with { Packages = [] });
        context.Base = await cache.LeaseAsync(context.Distro, spec, [plain], cancellationToken).ConfigureAwait(false);
        context.BaseDirectory = context.Base.Path;
        context.Record = context.Record with { BaseKey = context.Base.Key };
    }

    // BaseCache removes its own half-built folder; a complete base is shared and stays. Its lock is let go.
    public async Task RecoverAsync(UpContext context, CancellationToken cancellationToken) => await context.ReleaseBaseAsync().ConfigureAwait(false);
}
