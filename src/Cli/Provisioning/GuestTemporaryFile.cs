using Diskless.Abstractions;
using Diskless.Cli.Ssh;

namespace Diskless.Cli.Provisioning;

/// <summary>
/// Temporary files in the guest made by its own <c>mktemp</c>: a name nobody can guess or claim first (with a link, say),
/// mode 0600, owned by the login user. A fixed name in /tmp gives other guest users all of that.
/// </summary>
internal static class GuestTemporaryFile
{
    /// <summary>Makes one as the login user and returns its path.</summary>
    public static async Task<string> CreateAsync(ISshSession session, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        var errors = new List<string>();
        var exit = await session.ExecAsync("mktemp", output.Add, errors.Add, cancellationToken).ConfigureAwait(false);
        if (exit == 0 && output is [var path] && path.StartsWith('/'))
        {
            return path;
        }

        throw new DisklessException(
            $"mktemp in the guest failed (exit code {exit}){(errors.Count > 0 ? ": " + string.Join(' ', errors) : "")}",
            "the guest needs mktemp (coreutils) and a writable /tmp or $TMPDIR for the login user");
    }
}
