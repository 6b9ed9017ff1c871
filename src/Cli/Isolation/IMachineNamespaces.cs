using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>Opens a machine's user namespace for one command (tests give a fake that starts no process).</summary>
internal interface IMachineNamespaces
{
    /// <summary>
    /// A namespace with <paramref name="map"/> and the host services that act through it; disposing the result ends
    /// the namespace's holder (processes entered into it, QEMU and virtiofsd, keep it alive).
    /// </summary>
    Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken);

    /// <summary>
    /// Makes each of <paramref name="folders"/>, in <paramref name="opened"/>'s mount namespace, an idmapped bind of
    /// itself that shows its owner as the guest's user (<see cref="OwnerIdMap"/>). Returns, for each folder that could not
    /// be mapped, why (it is then served as it is); an implementation that maps nothing says so for every folder.
    /// </summary>
    Task<IReadOnlyList<(OwnerMappedFolder Folder, string Reason)>> MapFolderOwnersAsync(
        MachineNamespace opened, IReadOnlyList<OwnerMappedFolder> folders, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(OwnerMappedFolder, string)>>([.. folders.Select(f => (f, "this host maps no folder owners"))]);
}
