using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>
/// Opens machine namespaces with a <see cref="NamespaceHolder"/>, its fifo and log in a private folder under
/// the folder <paramref name="holderDirectory"/> makes (checked and made only when a namespace opens). Not in the data dir: the holder opens its fifo after it has left the host's
/// user namespace, as the invoking uid without capabilities, and root's data dir folders belong to guest root.
/// </summary>
internal sealed class HolderNamespaces(HostIdentity identity, Func<string> holderDirectory) : IMachineNamespaces
{
    public async Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var holder = await NamespaceHolder.StartAsync(map, identity, host.Commands, host.Processes, holderDirectory(), cancellationToken).ConfigureAwait(false);
        return new MachineNamespace(new NamespacedHostServices(host, holder), holder) { HolderPid = holder.Pid, Map = map };
    }

    public async Task<IReadOnlyList<(OwnerMappedFolder Folder, string Reason)>> MapFolderOwnersAsync(
        MachineNamespace opened, IReadOnlyList<OwnerMappedFolder> folders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(opened);
        ArgumentNullException.ThrowIfNull(folders);
        var failed = new List<(OwnerMappedFolder, string)>();
        if (folders.Count == 0)
        {
            return failed;
        }

        if (!identity.IsRoot || opened.HolderPid is not { } holderPid || opened.Map is not { } map)
        {
            return [.. folders.Select(f => (f, "only root may idmap a folder"))];
        }

        foreach (var folder in folders)
        {
            try
            {
                using var userNamespace = await NamespaceHolder.OpenMappedUserNamespaceAsync(
                    folder.Map.UidMapText, folder.Map.GidMapText, map, opened.Host.Commands, opened.Host.Processes, holderDirectory(), cancellationToken).ConfigureAwait(false);
                IdmappedMount.Mount(holderPid, folder, userNamespace);
                opened.Host.Progress.Verbose($"synced folder {folder.HostPath}: idmapped, {folder.Map}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add((folder, e.Message));
            }
        }

        return failed;
    }
}
