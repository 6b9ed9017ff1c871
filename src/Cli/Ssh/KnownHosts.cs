using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>The machine's own known_hosts file, used by the system ssh client so it checks the host key strictly.</summary>
public static class KnownHosts
{
    /// <summary>The file's name in the machine's state folder.</summary>
    public const string FileName = "known_hosts";

    /// <summary>The host name ssh looks up for <paramref name="endpoint"/>: "[127.0.0.1]:2222", or the bare address on port 22.</summary>
    public static string HostPattern(SshEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Port == 22 ? endpoint.Host : $"[{endpoint.Host}]:{endpoint.Port}";
    }

    /// <summary>The file's text: one line per host public key, for the endpoint's address and port.</summary>
    public static string Render(SshEndpoint endpoint, IEnumerable<string> hostPublicKeyLines)
    {
        ArgumentNullException.ThrowIfNull(hostPublicKeyLines);
        var pattern = HostPattern(endpoint);
        return string.Concat(hostPublicKeyLines.Select(line => $"{pattern} {PublicKeyLine.Parse(line, "a host public key")}\n"));
    }

    /// <summary>
    /// Writes the file at <paramref name="path"/>, replacing it whole: the port can change at every boot, and an
    /// entry for an old port must not linger. Written to a temp file and renamed so ssh never reads half a file.
    /// </summary>
    public static async Task WriteAsync(string path, SshEndpoint endpoint, IEnumerable<string> hostPublicKeyLines, CancellationToken cancellationToken = default)
    {
        var text = Render(endpoint, hostPublicKeyLines);
        if (File.Exists(path) && await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) == text)
        {
            return;
        }

        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}
