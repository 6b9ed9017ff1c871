namespace Diskless.Abstractions;

/// <summary>The login user and SSH keys the distro plugin installs into a machine's root.</summary>
/// <param name="UserName">The login user (passwordless sudo).</param>
/// <param name="AuthorizedPublicKey">The machine's public key in OpenSSH one-line form, for authorized_keys.</param>
/// <param name="HostKeys">The guest's SSH host keys, generated on the host before first boot so the host can pin them.</param>
public sealed record GuestIdentity(string UserName, string AuthorizedPublicKey, IReadOnlyList<HostKeyFiles> HostKeys);

/// <summary>One SSH host key pair on the host, to be installed as /etc/ssh/ssh_host_{Algorithm}_key(.pub).</summary>
/// <param name="Algorithm">"ed25519", "ecdsa" or "rsa".</param>
/// <param name="PrivateKeyPath">Host path of the private key.</param>
/// <param name="PublicKeyPath">Host path of the public key.</param>
public sealed record HostKeyFiles(string Algorithm, string PrivateKeyPath, string PublicKeyPath);
