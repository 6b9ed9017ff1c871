namespace Diskless.Abstractions;

/// <summary>
/// What a provider implements, beside <see cref="IProvider"/>, when it can change a running machine's port forwards
/// without rebooting it (QEMU's user network does, through its monitor). The host's port commands, the host agent's
/// forwards of the ports the guest listens on, and a <c>reload</c> that changes only <c>[[ports]]</c> use it; a
/// provider without it is told to reload instead.
/// </summary>
public interface IRuntimePortForwarding
{
    /// <summary>
    /// Forwards <see cref="PortForward.HostAddress"/>:<see cref="PortForward.Host"/> (<see cref="PortForward.Protocol"/>)
    /// to the guest's <see cref="PortForward.Guest"/> on the running machine. Returns false, having changed nothing,
    /// when that host port cannot be bound (another program holds it); throws <see cref="DisklessException"/> when the
    /// machine cannot be reached or refuses for another reason.
    /// </summary>
    Task<bool> AddForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the forward from <see cref="PortForward.HostAddress"/>:<see cref="PortForward.Host"/>
    /// (<see cref="PortForward.Protocol"/>; the guest port is not needed). Returns false when there was none.
    /// </summary>
    Task<bool> RemoveForwardAsync(MachineHandle handle, PortForward port, IHostServices host, CancellationToken cancellationToken);
}
