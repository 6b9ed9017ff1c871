using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>A named libvirt network: it must exist, and is started when inactive (the default NAT network often is).</summary>
internal static class NetworkStarter
{
    public static async Task EnsureActiveAsync(Virsh virsh, string network, IProgressReporter progress, CancellationToken cancellationToken)
    {
        var info = await virsh.TryRunAsync("look up the network", cancellationToken, "net-info", network).ConfigureAwait(false);
        if (info.ExitCode != 0)
        {
            throw new DisklessException(
                $"the libvirt network '{network}' does not exist on {virsh.Uri}.",
                $"virsh -c {virsh.Uri} net-list --all lists the networks; choose one in [provider] network, or remove the key for user-mode networking.",
                ExitCodes.NotAvailable);
        }

        var active = info.StandardOutput.Split('\n')
            .Select(line => line.Split(':', 2))
            .Any(parts => parts.Length == 2 && parts[0].Trim() == "Active" && parts[1].Trim() == "yes");
        if (!active)
        {
            progress.Info($"Starting the inactive libvirt network '{network}'");
            await virsh.RunAsync("start the network", cancellationToken, "net-start", network).ConfigureAwait(false);
        }
    }
}
