using System.Globalization;

namespace Diskless.Cli.Ssh;

/// <summary>Builds the command line of the system OpenSSH client for an interactive login to a machine.</summary>
public static class SshClientCommand
{
    /// <summary>
    /// The argv (program first) that logs in to <paramref name="target"/> with the machine's key, checking the host key
    /// strictly against <paramref name="knownHostsPath"/> (written by <see cref="KnownHosts"/>) and nothing else.
    /// <paramref name="extraArgs"/> (what the user gave after <c>--</c>) go before the destination so ssh reads them as
    /// options; <paramref name="remoteCommand"/>, when given, follows it and runs instead of a login shell.
    /// </summary>
    public static IReadOnlyList<string> Build(SshTarget target, string knownHostsPath, IReadOnlyList<string> extraArgs, string? remoteCommand = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(extraArgs);
        List<string> argv =
        [
            "ssh",
            "-i", target.PrivateKeyPath,
            "-p", target.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-o", "UserKnownHostsFile=" + knownHostsPath,
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UpdateHostKeys=no",
            "-o", "CheckHostIP=no",
            "-o", "PasswordAuthentication=no",
            "-o", "LogLevel=ERROR",
            .. extraArgs,
            // "--" ends ssh's options, so a remote command starting with "-" is never read as one.
            "--",
            $"{target.User}@{target.Endpoint.Host}",
        ];
        if (remoteCommand is not null)
        {
            argv.Add(remoteCommand);
        }

        return argv;
    }
}
