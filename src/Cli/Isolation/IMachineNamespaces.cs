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
}
