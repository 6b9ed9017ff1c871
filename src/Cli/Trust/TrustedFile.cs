namespace Diskless.Cli.Trust;

/// <summary>The user's consent to one Disklessfile: at this real path, with exactly this content.</summary>
/// <param name="Path">The Disklessfile's real path (links resolved).</param>
/// <param name="Sha256">The SHA-256 of its text, in hex: an edit asks again.</param>
/// <param name="TrustedAt">When the user said so.</param>
/// <param name="Requests">What it reached past its project then, as <c>file:line:column: request: …</c> lines.</param>
public sealed record TrustedFile(string Path, string Sha256, DateTimeOffset TrustedAt, IReadOnlyList<string> Requests);
