using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>One machine in the output of <c>diskless ssh-config</c>.</summary>
/// <param name="Machine">The machine's name, used as the Host alias.</param>
/// <param name="Target">Where and how to log in.</param>
/// <param name="KnownHostsPath">The machine's known_hosts file (written by <see cref="KnownHosts"/>).</param>
public sealed record SshConfigEntry(string Machine, SshTarget Target, string KnownHostsPath);
