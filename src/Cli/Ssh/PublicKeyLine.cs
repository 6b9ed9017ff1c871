using System.Security.Cryptography;
using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>An OpenSSH one-line public key: "TYPE BASE64-BLOB [comment]".</summary>
/// <param name="Algorithm">The key type, e.g. "ssh-ed25519".</param>
/// <param name="Blob">The key in SSH wire format, as a server presents it during key exchange.</param>
public sealed record PublicKeyLine(string Algorithm, byte[] Blob)
{
    /// <summary>The blob in base64, as written in key files and known_hosts.</summary>
    public string Base64 => Convert.ToBase64String(Blob);

    /// <summary>The fingerprint as ssh prints it: "SHA256:" and unpadded base64.</summary>
    public string Fingerprint => FingerprintOf(Blob);

    /// <summary>"TYPE BASE64" without the comment.</summary>
    public override string ToString() => $"{Algorithm} {Base64}";

    /// <summary>Parses a line; <paramref name="origin"/> names where it came from in the error.</summary>
    public static PublicKeyLine Parse(string line, string origin)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length >= 2)
        {
            try
            {
                return new PublicKeyLine(fields[0], Convert.FromBase64String(fields[1]));
            }
            catch (FormatException)
            {
                // Reported below with the same message as a line with too few fields.
            }
        }

        throw new DisklessException(
            $"{origin} does not hold an OpenSSH public key (\"ssh-ed25519 AAAA…\")",
            "Delete the machine's key files so that diskless generates them again (the machine then needs `diskless reload`).",
            ExitCodes.Failure);
    }

    /// <summary>The SHA256 fingerprint of a key blob, as ssh prints it.</summary>
    public static string FingerprintOf(byte[] blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
}
