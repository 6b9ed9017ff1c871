using Diskless.Cli.Composition;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;

namespace Diskless.Cli.Commands;

/// <summary>
/// The real machine commands: each has <see cref="DisklessServices"/> read the Disklessfile and build its services,
/// then hands over to its pipeline handler.
/// </summary>
internal static class LifecycleHandlers
{
    public static CommandHandlers Create() => new()
    {
        Up = Project<UpRequest>(r => r.Globals, validate: true, (s, _, r, ct) => UpHandler.RunAsync(s, r.Machine, new UpOptions(Provision: r.Provision, Fresh: r.Fresh), ct)),
        Adopt = Project<AdoptRequest>(r => r.Globals, validate: false, (s, _, r, ct) => AdoptHandler.RunAsync(s, r.From, r.Machine, ct)),
        Halt = Project<HaltRequest>(r => r.Globals, validate: false, (s, _, r, ct) => HaltHandler.RunAsync(s, r.Machine, r.Force, ct)),
        Destroy = new Handler<DestroyRequest>((root, r, ct) => r.Orphan is { } orphan
            // An orphan has no Disklessfile: it is found by its id in the data dir.
            ? OrphanDestroyHandler.RunAsync(root, root.Host(r.Globals.Verbose), root.Plugins, orphan, r.Force, ct)
            : Project<DestroyRequest>(d => d.Globals, validate: false, (s, _, d, c) =>
                DestroyHandler.RunAsync(s, d.Machine, d.Force, root.Input, interactive: root.Interactive, c)).RunAsync(r, root, ct)),
        Reload = Project<ReloadRequest>(r => r.Globals, validate: true, (s, _, r, ct) => ReloadHandler.RunAsync(s, r.Machine, r.Provision, ct)),
        Provision = Project<ProvisionRequest>(r => r.Globals, validate: true, (s, _, r, ct) => ProvisionHandler.RunAsync(s, r.Machine, ct)),
        Ssh = Project<SshRequest>(r => r.Globals, validate: false, (s, root, r, ct) =>
            SshHandler.RunAsync(s, r.Machine, r.Command, r.ExtraArguments, root.Error, ct)),
        SshConfig = Project<SshConfigRequest>(r => r.Globals, validate: false, (s, _, r, ct) => SshConfigHandler.RunAsync(s, r.Machine, ct)),
        Status = Project<StatusRequest>(r => r.Globals, validate: false, (s, _, r, ct) => StatusHandler.RunAsync(s, r.Machine, r.Json, ct)),
        // Global status reads the data dirs alone: it needs no Disklessfile, and loads no plugin it does not need.
        GlobalStatus = new Handler<GlobalStatusRequest>((root, r, ct) => GlobalStatusHandler.RunAsync(root.GlobalStatus(r.Globals.Verbose) with { MeasureSize = !r.NoSize }, r.Json, ct)),
        Snapshot = Project<SnapshotRequest>(r => r.Globals, validate: false, (s, _, r, ct) => r.Action switch
        {
            SnapshotAction.Save => SnapshotHandler.SaveAsync(s, r.Machine, r.Name!, ct),
            SnapshotAction.Restore => SnapshotHandler.RestoreAsync(s, r.Machine, r.Name!, r.Force, ct),
            SnapshotAction.Delete => SnapshotHandler.DeleteAsync(s, r.Machine, r.Name!, ct),
            _ => SnapshotHandler.ListAsync(s, r.Machine, r.Json, ct),
        }),
        Du = Project<DuRequest>(r => r.Globals, validate: false, (s, _, r, ct) => DuHandler.RunAsync(s, r.Machine, r.Json, ct)),
        // Prune works on the data dir alone: it needs no Disklessfile.
        Prune = new Handler<PruneRequest>((root, r, ct) =>
        {
            var host = root.Host(r.Globals.Verbose);
            var namespaces = root.NamespacesFor(new State.ProjectState(r.Globals.WorkingDirectory, host.Paths));
            return PruneHandler.RunAsync(host, namespaces, root.Isolation.Identity, r.Globals.WorkingDirectory, root.Out, r.Json, ct);
        }),
    };

    /// <summary>A command on the project's machines: reads (and, when <paramref name="validate"/>, checks) the Disklessfile first.</summary>
    private static Handler<TRequest> Project<TRequest>(
        Func<TRequest, Globals> globals,
        bool validate,
        Func<LifecycleServices, DisklessServices, TRequest, CancellationToken, Task<int>> run) =>
        new(async (root, request, cancellationToken) =>
        {
            var services = await root.LifecycleAsync(globals(request), validate, cancellationToken).ConfigureAwait(false);
            return await run(services, root, request, cancellationToken).ConfigureAwait(false);
        });

    private sealed class Handler<TRequest>(Func<DisklessServices, TRequest, CancellationToken, Task<int>> run) : ICommandHandler<TRequest>
    {
        public Task<int> RunAsync(TRequest request, DisklessServices services, CancellationToken cancellationToken) => run(services, request, cancellationToken);
    }
}
