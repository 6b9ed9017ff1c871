namespace Diskless.Abstractions;

/// <summary>Where the guest's sshd is reachable from the host.</summary>
/// <param name="Host">
/// The address the host connects to, as the provider returned it: 127.0.0.1 for a user-mode network (its port
/// forwarded), the guest's own address on a libvirt network. The host pins the guest's key for exactly this endpoint.
/// </param>
/// <param name="Port">The port: the forwarded one, or 22 on a network that reaches the guest directly.</param>
public sealed record SshEndpoint(string Host, int Port);
