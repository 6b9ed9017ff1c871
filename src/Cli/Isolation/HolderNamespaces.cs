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
        return new MachineNamespace(new NamespacedHostServices(host, holder), holder);
    }
}
