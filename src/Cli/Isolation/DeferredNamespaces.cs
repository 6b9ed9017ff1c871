using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>The namespace opener <paramref name="create"/> makes, made when a command first opens or maps something.</summary>
internal sealed class DeferredNamespaces(Func<IMachineNamespaces> create) : IMachineNamespaces
{
    private readonly Lazy<IMachineNamespaces> _namespaces = new(create);

    public Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken) =>
        _namespaces.Value.OpenAsync(host, map, cancellationToken);

    public Task<IReadOnlyList<(OwnerMappedFolder Folder, string Reason)>> MapFolderOwnersAsync(
        MachineNamespace opened, IReadOnlyList<OwnerMappedFolder> folders, CancellationToken cancellationToken) =>
        _namespaces.Value.MapFolderOwnersAsync(opened, folders, cancellationToken);
}
