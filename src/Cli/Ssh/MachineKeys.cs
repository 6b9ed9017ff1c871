using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>
/// Creates (once) a machine's client key pair and its guest's host key, with ssh-keygen. The host key is made on
/// the host before first boot so that diskless knows in advance which key the guest must present.
/// </summary>
public static class MachineKeys
{
    /// <summary>File name of the client private key in the machine's state folder.</summary>
    public const string ClientKeyFileName = "id_ed25519";

    /// <summary>File name of the guest's ed25519 host private key in the machine's state folder.</summary>
    public const string HostKeyFileName = "ssh_host_ed25519_key";

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Makes sure both key pairs exist in <paramref name="machineStateDir"/> (whose folder name is the machine's
    /// name) and returns them; existing keys are reused, so the guest's pinned host key never changes by itself.
    /// </summary>
    public static async Task<MachineKeySet> EnsureAsync(string machineStateDir, ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        Directory.CreateDirectory(machineStateDir);
        var machine = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(machineStateDir)));
        var client = Path.Combine(machineStateDir, ClientKeyFileName);
        var host = Path.Combine(machineStateDir, HostKeyFileName);
        await EnsurePairAsync(client, $"diskless-{machine}", runner, cancellationToken).ConfigureAwait(false);
        await EnsurePairAsync(host, $"diskless-{machine}-host", runner, cancellationToken).ConfigureAwait(false);
        return await LoadAsync(machineStateDir, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the keys of an existing machine without creating any (for <c>diskless ssh</c>, <c>ssh-config</c>): a
    /// machine that was never brought up has none, and minting new ones would not match its guest.
    /// </summary>
    public static async Task<MachineKeySet> LoadAsync(string machineStateDir, CancellationToken cancellationToken)
    {
        var client = Path.Combine(machineStateDir, ClientKeyFileName);
        var host = Path.Combine(machineStateDir, HostKeyFileName);
        foreach (var path in new[] { client, client + ".pub", host, host + ".pub" })
        {
            if (!File.Exists(path))
            {
                throw new DisklessException(
                    $"the machine has no SSH key {path}",
                    "Bring it up first: diskless up",
                    ExitCodes.WrongMachineState);
            }
        }

        var clientPublic = await ReadPublicKeyAsync(client + ".pub", cancellationToken).ConfigureAwait(false);
        var hostPublic = await ReadPublicKeyAsync(host + ".pub", cancellationToken).ConfigureAwait(false);
        return new MachineKeySet(client, clientPublic, [new HostKeyFiles("ed25519", host, host + ".pub")], [hostPublic]);
    }

    private static async Task EnsurePairAsync(string privatePath, string comment, ICommandRunner runner, CancellationToken cancellationToken)
    {
        var publicPath = privatePath + ".pub";
        if (!File.Exists(privatePath))
        {
            // A lone public key without its private half is useless; ssh-keygen would also stop to ask before overwriting it.
            File.Delete(publicPath);
            await runner.RunAsync(
                new CommandSpec("ssh-keygen", "-t", "ed25519", "-N", "", "-C", comment, "-f", privatePath, "-q")
                {
                    Description = $"generate SSH key {Path.GetFileName(privatePath)}",
                },
                cancellationToken).ConfigureAwait(false);
        }
        else if (!File.Exists(publicPath))
        {
            // Recreate the public half from the private key rather than minting a new pair: the old one may be pinned or authorized already.
            var result = await runner.RunAsync(
                new CommandSpec("ssh-keygen", "-y", "-f", privatePath) { Description = $"derive public key of {Path.GetFileName(privatePath)}" },
                cancellationToken).ConfigureAwait(false);
            // Newer ssh-keygen versions print the key's comment too, older ones do not: keep only type and key.
            var key = PublicKeyLine.Parse(result.StandardOutput.Trim(), $"ssh-keygen -y -f {privatePath}");
            await File.WriteAllTextAsync(publicPath, $"{key} {comment}\n", cancellationToken).ConfigureAwait(false);
        }

        if (File.Exists(privatePath))
        {
            File.SetUnixFileMode(privatePath, PrivateMode);
        }
    }

    private static async Task<string> ReadPublicKeyAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DisklessException(
                $"ssh-keygen did not create {path}",
                "Check that openssh-client is installed (apt-get install openssh-client) and that the folder is writable.",
                ExitCodes.ExternalToolFailed);
        }

        var text = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        _ = PublicKeyLine.Parse(text, path);
        return text;
    }
}
