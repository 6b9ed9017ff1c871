using Diskless.Abstractions;
using Diskless.Cli.Commands;
using Diskless.Cli.Configuration;
using Diskless.Cli.State;

namespace Diskless.Cli.Pipeline.Lifecycle;

/// <summary>
/// <c>diskless du</c>: what each machine of the project holds on the host (its root, its snapshots) and what each base
/// of the data dir holds. On btrfs the bytes a root shares with its base or a snapshot are counted once, with the base
/// (btrfs filesystem du); elsewhere nothing is shared and du counts every byte.
/// </summary>
internal static class DuHandler
{
    public static async Task<int> RunAsync(LifecycleServices services, string? machineName, bool json, CancellationToken cancellationToken)
    {
        var machines = new List<MachineUsage>();
        foreach (var machine in services.Select(machineName))
        {
            var record = await services.LoadRecordAsync(machine, cancellationToken).ConfigureAwait(false);
            if (record is not { SetupComplete: true } || !Directory.Exists(record.RootPath))
            {
                machines.Add(new MachineUsage(machine.Name, null, null, null, null, []));
                continue;
            }

            await using var open = await services.OpenNamespaceAsync(record, cancellationToken).ConfigureAwait(false);
            var host = open?.Host ?? services.Host;
            var root = await DiskUsage.MeasureAsync(record.RootPath, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
            var snapshots = await new MachineSnapshots(record, host).MeasureAsync(cancellationToken).ConfigureAwait(false);
            machines.Add(new MachineUsage(
                machine.Name, record.CloneMethod, record.BaseKey, new Figures(root.Bytes, root.Exclusive), root.Method,
                [.. snapshots.Select(s => new SnapshotUsage(s.Snapshot.Name, s.Usage.Bytes, s.Usage.Exclusive))]));
        }

        var bases = await MeasureBasesAsync(services, cancellationToken).ConfigureAwait(false);
        var packageCache = new PackageCache(services.Host.Paths);
        var report = new UsageReport(
            services.Host.Paths.DataDirectory, machines, bases,
            new PackageCacheUsage(services.Host.Paths.PackageCacheDirectory, packageCache.Size(), PackageCache.Limit(Environment.GetEnvironmentVariable)));
        if (json)
        {
            CliJson.Write(services.Out, report);
            return 0;
        }

        await WriteTextAsync(services.Out, report).ConfigureAwait(false);
        return 0;
    }

    private static async Task<IReadOnlyList<BaseUsageReport>> MeasureBasesAsync(LifecycleServices services, CancellationToken cancellationToken)
    {
        var basesDirectory = services.Host.Paths.BasesDirectory;
        var folders = Directory.Exists(basesDirectory)
            ? Directory.EnumerateDirectories(basesDirectory).Where(d => !Path.GetFileName(d).StartsWith('.') && new DirectoryInfo(d).LinkTarget is null).Order(StringComparer.Ordinal).ToList()
            : [];
        if (folders.Count == 0)
        {
            return [];
        }

        var uses = BaseUsage.Read(services.Host.Paths.MachinesDirectory);
        var parents = BaseRecords.Parents(services.Host.Paths);
        var keys = folders.Select(Path.GetFileName).OfType<string>().ToList();
        // What prune keeps for the chains: every base a used base was derived from, up its chain.
        var needed = BaseChains.NeededParents(keys, parents, uses.Values.OfType<string>());
        await using var open = await DataDirectoryNamespace.OpenAsync(services.Host, services.Namespaces, services.Isolation.Identity, services.Project.ProjectDirectory, cancellationToken).ConfigureAwait(false);
        var host = open?.Host ?? services.Host;
        var bases = new List<BaseUsageReport>();
        foreach (var folder in folders)
        {
            var key = Path.GetFileName(folder);
            var usage = await DiskUsage.MeasureAsync(folder, host.Commands, host.Namespace, cancellationToken).ConfigureAwait(false);
            var derivedFrom = parents.TryGetValue(key, out var parent) ? parent : null;
            bases.Add(new BaseUsageReport(
                key, new Figures(usage.Bytes, usage.Exclusive), [.. uses.Where(u => u.Value == key).Select(u => u.Key)],
                derivedFrom, [.. parents.Where(p => p.Value == key && p.Key != key).Select(p => p.Key).Order(StringComparer.Ordinal)],
                needed.TryGetValue(key, out var neededBy) ? neededBy : null));
        }

        return bases;
    }

    private static async Task WriteTextAsync(TextWriter output, UsageReport report)
    {
        foreach (var m in report.Machines)
        {
            if (m.Root is null)
            {
                await output.WriteLineAsync($"{m.Name,-16} not created").ConfigureAwait(false);
                continue;
            }

            var shared = m.Root.Bytes - m.Root.ExclusiveBytes;
            await output.WriteLineAsync(
                $"{m.Name,-16} root holds {Size(m.Root.ExclusiveBytes)} of its own" + (shared > 0 ? $", shares {Size(shared)} with its base or snapshots" : "") + $" ({m.CloneMethod ?? "copy"})").ConfigureAwait(false);
            foreach (var s in m.Snapshots)
            {
                await output.WriteLineAsync($"{"",-16} snapshot {s.Name}: {Size(s.ExclusiveBytes)} of its own ({Size(s.Bytes)} in all)").ConfigureAwait(false);
            }
        }

        foreach (var b in report.Bases)
        {
            var users = b.UsedBy.Count > 0 ? $"used by {b.UsedBy.Count} machine(s)"
                : b.KeptFor is { } child ? $"used by no machine, kept by prune: base {child} was derived from it"
                : "used by no machine (diskless prune removes it)";
            var chain = (b.DerivedFrom is { } parent ? $", derived from {parent}" : "") + (b.Children.Count > 0 ? $", parent of {string.Join(", ", b.Children)}" : "");
            await output.WriteLineAsync($"base {b.Key}: {Size(b.Size.Bytes)}, {users}{chain}").ConfigureAwait(false);
        }

        if (report.PackageCache.Bytes > 0)
        {
            await output.WriteLineAsync($"package cache {report.PackageCache.Path}: {Size(report.PackageCache.Bytes)} (bound {Size(report.PackageCache.LimitBytes)}, {PackageCache.LimitVariable})").ConfigureAwait(false);
        }
    }

    private static string Size(long bytes) => new MemorySize(bytes).Approximate();

    private sealed record UsageReport(string DataDirectory, IReadOnlyList<MachineUsage> Machines, IReadOnlyList<BaseUsageReport> Bases, PackageCacheUsage PackageCache);

    private sealed record PackageCacheUsage(string Path, long Bytes, long LimitBytes);

    private sealed record MachineUsage(string Name, string? CloneMethod, string? BaseKey, Figures? Root, string? Method, IReadOnlyList<SnapshotUsage> Snapshots);

    private sealed record Figures(long Bytes, long ExclusiveBytes);

    private sealed record SnapshotUsage(string Name, long Bytes, long ExclusiveBytes);

    private sealed record BaseUsageReport(string Key, Figures Size, IReadOnlyList<string> UsedBy, string? DerivedFrom, IReadOnlyList<string> Children, string? KeptFor);
}
