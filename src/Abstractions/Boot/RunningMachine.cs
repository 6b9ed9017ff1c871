namespace Diskless.Abstractions;

/// <summary>A machine a provider has started.</summary>
/// <param name="Handle">What the provider needs to find it again (saved in state).</param>
/// <param name="Ssh">Where its sshd will listen: host and port, chosen by the provider; the host writes known_hosts for this.</param>
public sealed record RunningMachine(MachineHandle Handle, SshEndpoint Ssh);
