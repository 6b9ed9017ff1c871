using Diskless.Abstractions;

namespace Diskless.Plugins.Debian.Configure;

/// <summary>Reads the <see cref="RootFacts"/> of a machine root (reads only).</summary>
internal static class RootProbe
{
    public static async Task<RootFacts> ReadAsync(MachineRoot root, string userName, CancellationToken cancellationToken)
    {
        PasswdEntry? user = null;
        if (root.Exists("/etc/passwd"))
        {
            var passwd = await root.ReadFileAsync("/etc/passwd", cancellationToken).ConfigureAwait(false);
            user = passwd.Split('\n').Select(PasswdEntry.Parse).FirstOrDefault(e => e?.Name == userName);
        }

        var sshDirectory = root.Resolve("/etc/ssh");
        var hostKeys = Directory.Exists(sshDirectory)
            ? Directory.EnumerateFiles(sshDirectory, "ssh_host_*")
                .Select(f => "/etc/ssh/" + Path.GetFileName(f))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return new RootFacts(user, root.Exists("/usr/sbin/locale-gen"), hostKeys);
    }
}
