namespace Diskless.Abstractions;

/// <summary>A machine a provider has started.</summary>
/// <param name="Handle">What the provider needs to find it again (saved in state).</param>
/// <param name="Ssh">Where its sshd will listen.</param>
public sealed record RunningMachine(MachineHandle Handle, SshEndpoint Ssh);
