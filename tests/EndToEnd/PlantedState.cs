namespace Diskless.EndToEnd;

/// <summary>
/// What a hostile guest leaves where earlier versions kept a machine's state (<c>.diskless/machines/NAME/</c> in the
/// project, which the guest writes when the project is synced): links to a host file at every name the host opened
/// there, and a record an attacker would write. The host must follow none of it.
/// </summary>
internal static class PlantedState
{
    /// <summary>The names an earlier version kept in the project's .diskless/machines/NAME/, each opened by the host.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["console.log", "qemu.stopped", "known_hosts", "known_hosts.tmp", "qemu.pid", "virtiofsd-0.log", "virtiofsd-1.log", "lock", "lock.json", "id_ed25519"];

    /// <summary>
    /// A shell script for the guest's user that plants the links and a record mapping guest root to host root, with
    /// the host's / as its root, an id that climbs out, a QMP socket that matches every process and an SSH host that
    /// adds options to ssh-config.
    /// </summary>
    public static string Script(string projectInGuest, string machineName, string canary)
    {
        var folder = $"{projectInGuest}/.diskless/machines/{machineName}";
        var links = string.Join(' ', Names.Select(n => $"ln -sfn {canary} {folder}/{n};"));
        var forged = """{"id":"x/../..","name":"NAME","provider":"qemu","distro":"debian","createdAt":"2026-01-01T00:00:00Z","setupComplete":true,"booted":false,"idMap":{"subordinateUidStart":0,"loginUid":0,"subordinateGidStart":0,"loginGid":0},"rootPath":"/","stateDirectory":"/root","runtimeDirectory":"/run","consoleLogPath":"/root/.bashrc","sshHost":"127.0.0.1\n  ProxyCommand touch /tmp/owned","providerData":{"qmpSocket":""}}"""
            .Replace("NAME", machineName, StringComparison.Ordinal);
        return $"set -e; mkdir -p {folder}; {links} printf '%s' '{forged}' > {folder}/machine.json; ls -la {folder}";
    }

    /// <summary>The canary holds what it held, no ProxyCommand ran, and every planted link is as the guest left it.</summary>
    public static void AssertSteeredNothing(string projectDirectory, string machineName, string canary, string canaryText)
    {
        Assert.Equal(canaryText, File.ReadAllText(canary));
        Assert.False(File.Exists("/tmp/owned"), "a ProxyCommand from a planted record ran");
        var planted = Path.Combine(projectDirectory, ".diskless", "machines", machineName);
        Assert.All(Names, n => Assert.Equal(canary, new FileInfo(Path.Combine(planted, n)).LinkTarget));
    }
}
