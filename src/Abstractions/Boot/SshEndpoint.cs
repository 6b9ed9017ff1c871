namespace Diskless.Abstractions;

/// <summary>Where the guest's sshd is reachable from the host.</summary>
/// <param name="Host">Always a loopback address.</param>
/// <param name="Port">The forwarded port.</param>
public sealed record SshEndpoint(string Host, int Port);
