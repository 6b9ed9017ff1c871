using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>The SSH keys of one machine, all kept in its state folder.</summary>
/// <param name="ClientPrivateKeyPath">The key diskless logs in with (0600).</param>
/// <param name="ClientPublicKey">Its public half in OpenSSH one-line form, installed as the guest's authorized key.</param>
/// <param name="HostKeys">The guest's host key pairs, generated on the host so they can be pinned.</param>
/// <param name="HostPublicKeys">The guest's host public keys in OpenSSH one-line form ("ssh-ed25519 AAAA… comment").</param>
public sealed record MachineKeySet(
    string ClientPrivateKeyPath,
    string ClientPublicKey,
    IReadOnlyList<HostKeyFiles> HostKeys,
    IReadOnlyList<string> HostPublicKeys)
{
    /// <summary>What the distro plugin needs to install the keys for <paramref name="userName"/>.</summary>
    public GuestIdentity ToGuestIdentity(string userName) => new(userName, ClientPublicKey, HostKeys);

    /// <summary>Where to log in as <paramref name="userName"/>, trusting only this machine's host keys.</summary>
    public SshTarget ToTarget(SshEndpoint endpoint, string userName) =>
        new(endpoint, userName, ClientPrivateKeyPath, HostPublicKeys);
}
