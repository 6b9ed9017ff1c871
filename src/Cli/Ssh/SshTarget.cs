using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>Everything needed to log in to a machine and to know it is the right one.</summary>
/// <param name="Endpoint">The forwarded address and port.</param>
/// <param name="User">The login user.</param>
/// <param name="PrivateKeyPath">The machine's client private key.</param>
/// <param name="PinnedHostKeys">The guest's host public keys in OpenSSH one-line form; no other key is trusted.</param>
public sealed record SshTarget(SshEndpoint Endpoint, string User, string PrivateKeyPath, IReadOnlyList<string> PinnedHostKeys)
{
    /// <summary>"127.0.0.1:2222", for messages.</summary>
    public string Address => $"{Endpoint.Host}:{Endpoint.Port}";
}
