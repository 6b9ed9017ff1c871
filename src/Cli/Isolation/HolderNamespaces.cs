using Diskless.Abstractions;

namespace Diskless.Cli.Isolation;

/// <summary>Opens machine namespaces with a <see cref="NamespaceHolder"/>, its fifo and log in the data dir's private temp folder.</summary>
internal sealed class HolderNamespaces(HostIdentity identity) : IMachineNamespaces
{
    public async Task<MachineNamespace> OpenAsync(IHostServices host, IdMap map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var holder = await NamespaceHolder.StartAsync(map, identity, host.Commands, host.Processes, host.Paths.TempDirectory, cancellationToken).ConfigureAwait(false);
        return new MachineNamespace(new NamespacedHostServices(host, holder), holder);
    }
}
