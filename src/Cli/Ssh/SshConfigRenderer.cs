using Diskless.Abstractions;

namespace Diskless.Cli.Ssh;

/// <summary>Renders an OpenSSH client configuration (for <c>ssh -F</c> and editors' remote-SSH) from Templates/ssh-config.liquid.</summary>
public static class SshConfigRenderer
{
    /// <summary>The configuration text with one Host block per entry.</summary>
    public static string Render(ITemplates templates, IReadOnlyList<SshConfigEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(entries);
        var model = new SshConfigView([.. entries.Select(e => new SshConfigHostView(
            e.Machine,
            e.Target.Endpoint.Host,
            e.Target.Endpoint.Port,
            e.Target.User,
            Quote(e.Target.PrivateKeyPath),
            Quote(e.KnownHostsPath)))]);
        return templates.Render(typeof(SshConfigRenderer).Assembly, "ssh-config.liquid", model);
    }

    // ssh_config splits values on whitespace unless they are double-quoted; paths under a project may hold spaces.
    private static string Quote(string path) => path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;
}

/// <summary>View model of ssh-config.liquid.</summary>
public sealed record SshConfigView(IReadOnlyList<SshConfigHostView> Hosts);

/// <summary>One Host block of ssh-config.liquid; paths already quoted for ssh_config.</summary>
public sealed record SshConfigHostView(string Name, string HostName, int Port, string User, string IdentityFile, string KnownHostsFile);
