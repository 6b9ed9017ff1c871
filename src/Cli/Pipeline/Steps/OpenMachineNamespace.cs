namespace Diskless.Cli.Pipeline.Steps;

/// <summary>
/// Opens the machine's user namespace when its record has an id map, and from here on hands every step the host
/// services that act through it: the base is built, the root cloned and configured, QEMU and virtiofsd started as
/// guest root, an unprivileged id on the host.
/// </summary>
internal sealed class OpenMachineNamespace : IStep<UpContext>
{
    public string Name => "open machine namespace";

    public bool ShouldRun(UpContext context) => context.Record.IdMap is not null && !context.AlreadyRunning;

    public async Task RunAsync(UpContext context, CancellationToken cancellationToken)
    {
        var map = context.Record.IdMap!;
        if (context.Isolation.UnreachableFolder(context.Spec, map) is { } unreachable)
        {
            throw unreachable;
        }

        var folderTransport = await context.Provider.DefaultTransportAsync(context.Host, cancellationToken).ConfigureAwait(false);
        var ownerMapped = context.Isolation.OwnerMappedFolders(context.Spec, map, folderTransport);
        context.Namespace = await context.Namespaces.OpenAsync(context.Host, map, cancellationToken).ConfigureAwait(false);
        context.Host = context.Namespace.Host;

        // Made before anything starts in the namespace: QEMU's and virtiofsd's own mount namespaces copy it.
        var failed = await context.Namespaces.MapFolderOwnersAsync(context.Namespace, ownerMapped, cancellationToken).ConfigureAwait(false);
        var mapped = ownerMapped.Except(failed.Select(f => f.Folder)).ToList();
        foreach (var warning in context.Isolation.UnmappedSyncedFolders(context.Spec, map, mapped, failed))
        {
            context.Host.Progress.Warn(warning);
        }

        context.Host.Progress.Verbose($"machine namespace: guest root is host uid {map.SubordinateUidStart}, guest user {Abstractions.IdMap.GuestLoginId} is host uid {map.LoginUid}");
    }

    // The handler disposes the namespace after every step's recovery: a failed first up's root is removed through it.
    public Task RecoverAsync(UpContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
