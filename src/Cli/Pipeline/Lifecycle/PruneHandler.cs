using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;
using Diskless.Cli.Isolation;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless prune</c>: removes the bases of the data dir that no machine uses, whatever project the machines belong
/// to (each machine's folder in the data dir names its base, see <see cref="BaseUsage"/>). A base being built or
/// cloned holds its lock and is skipped, not waited for (<see cref="BasePruner"/>): the output says so, and the next
/// prune takes it if no machine uses it then. Nothing is removed while a machine's base is unknown.
/// </summary>
internal static class PruneHandler
{
    public static async Task<int> RunAsync(
        IHostServices host, IMachineNamespaces namespaces, HostIdentity identity, string workingDirectory, TextWriter output, bool json, CancellationToken cancellationToken,
        Func<string, CancellationToken, Task>? beforeDelete = null)
    {
        var basesDirectory = host.Paths.BasesDirectory;
        var bases = Directory.Exists(basesDirectory)
            ? Directory.EnumerateDirectories(basesDirectory).Select(Path.GetFileName).OfType<string>().Where(k => !k.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
        var uses = BaseUsage.Read(host.Paths.MachinesDirectory);
        var unknown = uses.Where(u => u.Value is null).Select(u => u.Key).ToList();
        var removed = new List<RemovedBase>();
        var kept = new List<KeptBase>();
        CacheTrim trim;
        if (unknown.Count > 0)
        {
            host.Progress.Warn(
                $"the machine folder(s) {string.Join(", ", unknown.Select(u => Path.Combine(host.Paths.MachinesDirectory, u)))} do not say which base they use "
                + "(made before diskless recorded it): no base is removed. Destroy those machines, or write the base's key into their 'base' file.");
            kept.AddRange(bases.Select(k => new KeptBase(k, "a machine's base is unknown", [])));
        }
        else
        {
            await using var open = await DataDirectoryNamespace.OpenAsync(host, namespaces, identity, workingDirectory, cancellationToken).ConfigureAwait(false);
            var pruner = new BasePruner(open?.Host ?? host) { BeforeDelete = beforeDelete };
            await pruner.RemoveLeftoversAsync(cancellationToken).ConfigureAwait(false);
            // A base a kept base was derived from is kept too (BaseChains); an unused chain goes, children first.
            var users = bases.ToDictionary(k => k, k => (IReadOnlyList<string>)[.. uses.Where(u => u.Value == k).Select(u => u.Key)], StringComparer.Ordinal);
            var outcome = await BaseChains.PruneAsync(bases, BaseRecords.Parents(host.Paths), users, pruner.TryRemoveAsync, cancellationToken).ConfigureAwait(false);
            removed.AddRange(outcome.Removed);
            kept.AddRange(outcome.Kept);
        }

        // The package cache is kept within its bound here too (a bound lowered since the last build takes effect now).
        trim = new PackageCache(host.Paths).Trim(PackageCache.Limit(Environment.GetEnvironmentVariable));

        if (json)
        {
            CliJson.Write(output, new PruneReport(removed, kept, new PackageCacheTrim(trim.RemovedFiles, trim.FreedBytes, trim.RemainingBytes)));
            return 0;
        }

        foreach (var r in removed)
        {
            await output.WriteLineAsync($"removed base {r.Key} ({new MemorySize(r.FreedBytes).Approximate()} freed)").ConfigureAwait(false);
        }

        if (trim.RemovedFiles > 0)
        {
            await output.WriteLineAsync($"removed {trim.RemovedFiles} package file(s) from the package cache ({new MemorySize(trim.FreedBytes).Approximate()} freed, {new MemorySize(trim.RemainingBytes).Approximate()} kept)").ConfigureAwait(false);
        }

        foreach (var k in kept)
        {
            await output.WriteLineAsync($"kept base {k.Key}: {k.Reason}" + (k.UsedBy.Count > 0 ? $" by {string.Join(", ", k.UsedBy)}" : "")).ConfigureAwait(false);
        }

        if (removed.Count == 0 && kept.Count == 0)
        {
            await output.WriteLineAsync("no bases in " + basesDirectory).ConfigureAwait(false);
        }

        return 0;
    }

    private sealed record PruneReport(IReadOnlyList<RemovedBase> Removed, IReadOnlyList<KeptBase> Kept, PackageCacheTrim PackageCache);

    private sealed record PackageCacheTrim(int RemovedFiles, long FreedBytes, long RemainingBytes);
}
