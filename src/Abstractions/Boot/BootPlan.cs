namespace Diskless.Abstractions;

/// <summary>Everything a provider needs to start a machine. Paths are absolute.</summary>
/// <param name="MachineName">The machine's name.</param>
/// <param name="MachineId">The machine's unique id (stable across reboots; used to name VMs and folders).</param>
/// <param name="Artifacts">Kernel, initrd, command line.</param>
/// <param name="Cpus">Virtual CPUs.</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="Provider">The provider's settings from the Disklessfile.</param>
/// <param name="Shares">Every share, the root first.</param>
/// <param name="Ports">User port forwards.</param>
/// <param name="SshHostPort">
/// A free 127.0.0.1 port the host chose, for a provider that forwards the guest's port 22 (a user-mode network). A
/// provider that reaches the guest another way (its address on a bridged network) ignores it: the endpoint it returns
/// in <see cref="RunningMachine.Ssh"/> is the one the host uses and pins.
/// </param>
/// <param name="StateDirectory">The machine's folder under the project's .diskless/ (pid files, console log, logs).</param>
/// <param name="RuntimeDirectory">A short folder for Unix sockets (socket paths are limited to about 108 bytes).</param>
/// <param name="ConsoleLogPath">Where the guest's serial console is written.</param>
public sealed record BootPlan(
    string MachineName,
    string MachineId,
    BootArtifacts Artifacts,
    int Cpus,
    long MemoryMiB,
    ProviderSpec Provider,
    IReadOnlyList<Share> Shares,
    IReadOnlyList<PortForward> Ports,
    int SshHostPort,
    string StateDirectory,
    string RuntimeDirectory,
    string ConsoleLogPath)
{
    /// <summary>The root share.</summary>
    public Share RootShare => Shares.First(s => s.IsRoot);

    /// <summary>
    /// Whether the root was configured to ask DHCP for its address (see <see cref="GuestNetwork"/>); false for a fixed
    /// address or a machine configured before this was recorded. A provider must not hand a root that expects a fixed
    /// address a network that only offers DHCP (or the reverse): the root is configured once, the host may change since.
    /// </summary>
    public bool GuestAsksDhcp { get; init; }
}
