namespace Diskless.Cli.Ssh;

/// <summary>
/// Decides whether a presented host key is one diskless generated, and remembers a refusal so that the generic
/// key-exchange failure SSH.NET raises afterwards can be turned into a clear "host key mismatch".
/// </summary>
public sealed class HostKeyPin
{
    private readonly IReadOnlyList<PublicKeyLine> _pinned;
    private readonly string _address;

    /// <summary>Pins <paramref name="pinnedHostKeys"/> (OpenSSH one-line public keys) for the guest at <paramref name="address"/>.</summary>
    public HostKeyPin(IReadOnlyList<string> pinnedHostKeys, string address)
    {
        ArgumentNullException.ThrowIfNull(pinnedHostKeys);
        if (pinnedHostKeys.Count == 0)
        {
            throw new ArgumentException("At least one host key must be pinned; diskless never trusts an unknown key.", nameof(pinnedHostKeys));
        }

        _pinned = [.. pinnedHostKeys.Select(k => PublicKeyLine.Parse(k, "a pinned host key"))];
        _address = address;
    }

    /// <summary>The key types pinned ("ssh-ed25519"), to offer only those during key exchange.</summary>
    public IEnumerable<string> Algorithms => _pinned.Select(k => k.Algorithm).Distinct(StringComparer.Ordinal);

    /// <summary>The fingerprint of the last key refused, or null when none was.</summary>
    public string? RefusedFingerprint { get; private set; }

    /// <summary>True when <paramref name="presentedBlob"/> (the key in wire format) equals a pinned key; otherwise records the refusal.</summary>
    public bool Accepts(byte[] presentedBlob)
    {
        ArgumentNullException.ThrowIfNull(presentedBlob);
        if (_pinned.Any(k => k.Blob.AsSpan().SequenceEqual(presentedBlob)))
        {
            return true;
        }

        RefusedFingerprint = PublicKeyLine.FingerprintOf(presentedBlob);
        return false;
    }

    /// <summary>The error for the last refusal (call only after <see cref="Accepts"/> returned false).</summary>
    public HostKeyMismatchException MismatchError(Exception? cause = null) => new(
        $"host key mismatch for {_address}: the guest presented {RefusedFingerprint} but diskless generated {string.Join(", ", _pinned.Select(k => k.Fingerprint))}",
        "Something other than this machine may be listening on that port, or the guest's /etc/ssh host keys were replaced. "
        + "Check with `diskless status`; `diskless reload` installs the generated keys again.",
        cause);
}
