using System.Net;
using Diskless.Abstractions;
using Diskless.Cli.Processes;

namespace Diskless.Cli.Configuration;

/// <summary>
/// What of a machine's host-side settings reaches past its project: a synced folder, script, file source or file:
/// mirror that resolves (links included) outside the project folder, a forwarded port open beyond loopback, a
/// privileged host port. Each is a request (<see cref="SpecIssue.IsRequest"/>): valid, acted on only once the file is trusted.
/// </summary>
public static class ProjectReach
{
    /// <summary>Host ports below this need privileges on the host: the range of its system services.</summary>
    public const int FirstUnprivilegedPort = 1024;

    /// <summary>The requests <paramref name="machine"/> makes of the host beyond what its plugins report.</summary>
    public static IEnumerable<SpecIssue> Requests(MachineSpec machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var project = RealPath.Resolve(Path.TrimEndingDirectorySeparator(machine.ProjectDirectory));
        foreach (var folder in machine.SyncedFolders)
        {
            if (Outside(folder.HostPath, project) is { } real)
            {
                yield return SpecIssue.Request(
                    $"synced folder {folder.HostPath}{Resolved(folder.HostPath, real)} is outside the project folder: the guest {(folder.ReadOnly ? "reads" : "reads and writes")} it",
                    folder.Location);
            }
        }

        foreach (var provisioner in machine.Provisioners)
        {
            var (path, what) = provisioner switch
            {
                ShellProvisioner { ScriptPath: { } script } => (script, "script"),
                FileProvisioner file => (file.Source, "file source"),
                _ => (null, null),
            };
            if (path is not null && Outside(path, project) is { } real)
            {
                yield return SpecIssue.Request($"provisioning {what} {path}{Resolved(path, real)} is outside the project folder: it is copied into the guest", provisioner.Location);
            }
        }

        // A file: mirror is a host folder the base is built from: packages of the host's choosing in the guest.
        if (machine.Distro.Mirror is { } mirror && Uri.TryCreate(mirror, UriKind.Absolute, out var uri) && uri.IsFile
            && Outside(uri.LocalPath, project) is { } mirrorFolder)
        {
            yield return SpecIssue.Request($"mirror {mirror} builds the base from the host folder {mirrorFolder}, outside the project folder", machine.Distro.Location);
        }

        foreach (var port in machine.Ports)
        {
            if (!IPAddress.TryParse(port.HostAddress, out var address) || !IPAddress.IsLoopback(address))
            {
                yield return SpecIssue.Request($"host_ip {port.HostAddress} opens host port {port.Host}/{port.Protocol} to the network, not only to this host", port.Location);
            }

            if (port.Host < FirstUnprivilegedPort)
            {
                yield return SpecIssue.Request($"host port {port.Host} is a privileged port (below {FirstUnprivilegedPort}), where the host's own services listen", port.Location);
            }
        }
    }

    /// <summary>The real path of <paramref name="path"/> when it lies outside <paramref name="realProject"/>; null inside.</summary>
    public static string? Outside(string path, string realProject)
    {
        var real = RealPath.Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        return real == realProject || RealPath.IsStrictlyUnder(real, realProject) ? null : real;
    }

    private static string Resolved(string path, string real) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) == real ? "" : $" (really {real})";
}
