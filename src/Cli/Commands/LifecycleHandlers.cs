using Diskless.Cli.Configuration;
using Diskless.Cli.Output;
using Diskless.Cli.Pipeline;
using Diskless.Cli.Pipeline.Lifecycle;
using Diskless.Cli.Plugins;

namespace Diskless.Cli.Commands;

/// <summary>The real machine commands: each reads the Disklessfile, then hands over to its pipeline handler.</summary>
internal static class LifecycleHandlers
{
    public static CommandHandlers Create() => new()
    {
        Up = new Handler<UpRequest>(r => r.Globals, validate: true, (s, r, ct) => UpHandler.RunAsync(s, r.Machine, new UpOptions(Provision: r.Provision, Fresh: r.Fresh), ct)),
        Adopt = new Handler<AdoptRequest>(r => r.Globals, validate: false, (s, r, ct) => AdoptHandler.RunAsync(s, r.From, r.Machine, ct)),
        Halt = new Handler<HaltRequest>(r => r.Globals, validate: false, (s, r, ct) => HaltHandler.RunAsync(s, r.Machine, r.Force, ct)),
        Destroy = new Handler<DestroyRequest>(r => r.Globals, validate: false, (s, r, ct) =>
            DestroyHandler.RunAsync(s, r.Machine, r.Force, Console.In, interactive: !Console.IsInputRedirected, ct)),
        Reload = new Handler<ReloadRequest>(r => r.Globals, validate: true, (s, r, ct) => ReloadHandler.RunAsync(s, r.Machine, r.Provision, ct)),
        Provision = new Handler<ProvisionRequest>(r => r.Globals, validate: true, (s, r, ct) => ProvisionHandler.RunAsync(s, r.Machine, ct)),
        Ssh = new SshHandlerAdapter(),
        SshConfig = new Handler<SshConfigRequest>(r => r.Globals, validate: false, (s, r, ct) => SshConfigHandler.RunAsync(s, r.Machine, ct)),
        Status = new Handler<StatusRequest>(r => r.Globals, validate: false, (s, r, ct) => StatusHandler.RunAsync(s, r.Machine, r.Json, ct)),
        Snapshot = new Handler<SnapshotRequest>(r => r.Globals, validate: false, (s, r, ct) => r.Action switch
        {
            SnapshotAction.Save => SnapshotHandler.SaveAsync(s, r.Machine, r.Name!, ct),
            SnapshotAction.Restore => SnapshotHandler.RestoreAsync(s, r.Machine, r.Name!, r.Force, ct),
            SnapshotAction.Delete => SnapshotHandler.DeleteAsync(s, r.Machine, r.Name!, ct),
            _ => SnapshotHandler.ListAsync(s, r.Machine, r.Json, ct),
        }),
        Du = new Handler<DuRequest>(r => r.Globals, validate: false, (s, r, ct) => DuHandler.RunAsync(s, r.Machine, r.Json, ct)),
        Prune = new PruneHandlerAdapter(),
    };

    /// <summary>Reads (and, for commands that change a machine, fully validates) the project, then builds the services.</summary>
    private static async Task<LifecycleServices> ServicesAsync(Globals globals, CliContext context, bool validate, CancellationToken cancellationToken)
    {
        var project = validate
            ? await ProjectLoader.LoadAsync(globals.DisklessfileOption, globals.WorkingDirectory, context.Plugins, cancellationToken).ConfigureAwait(false)
            : await ProjectLoader.ReadAsync(globals.DisklessfileOption, globals.WorkingDirectory, cancellationToken).ConfigureAwait(false);
        if (validate)
        {
            // The commands that build, boot or provision act on the file's requests: not without the user's consent.
            Trust.TrustGate.Require(project, context.Trust());
        }

        var terminal = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        var progress = new ConsoleProgressReporter(context.Error, terminal, globals.Verbose);
        return new LifecycleServices(new HostServices(progress, context.Templates), context.Plugins, project, context.Out);
    }

    private sealed class Handler<TRequest>(
        Func<TRequest, Globals> globals,
        bool validate,
        Func<LifecycleServices, TRequest, CancellationToken, Task<int>> run) : ICommandHandler<TRequest>
    {
        public async Task<int> RunAsync(TRequest request, CliContext context, CancellationToken cancellationToken)
        {
            var services = await ServicesAsync(globals(request), context, validate, cancellationToken).ConfigureAwait(false);
            return await run(services, request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Prune works on the data dir alone: it needs no Disklessfile.</summary>
    private sealed class PruneHandlerAdapter : ICommandHandler<PruneRequest>
    {
        public async Task<int> RunAsync(PruneRequest request, CliContext context, CancellationToken cancellationToken)
        {
            var terminal = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
            var host = new HostServices(new ConsoleProgressReporter(context.Error, terminal, request.Globals.Verbose), context.Templates);
            var identity = Isolation.HostIdentity.Current();
            var namespaces = new Isolation.HolderNamespaces(identity, new State.ProjectState(request.Globals.WorkingDirectory, host.Paths).EnsureRuntimeBaseDirectory());
            return await PruneHandler.RunAsync(host, namespaces, identity, request.Globals.WorkingDirectory, context.Out, request.Json, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class SshHandlerAdapter : ICommandHandler<SshRequest>
    {
        public async Task<int> RunAsync(SshRequest request, CliContext context, CancellationToken cancellationToken)
        {
            var services = await ServicesAsync(request.Globals, context, validate: false, cancellationToken).ConfigureAwait(false);
            return await SshHandler.RunAsync(services, request.Machine, request.Command, request.ExtraArguments, context.Error, cancellationToken).ConfigureAwait(false);
        }
    }
}
