using System.Net;
using System.Net.Sockets;
using Diskless.Abstractions;

namespace Diskless.Plugins.Libvirt;

/// <summary>Waits for a domain on a libvirt network to take a DHCP lease, and returns its IPv4 address.</summary>
internal sealed class LeaseLookup(Virsh virsh, LibvirtTimings timings, TimeProvider time)
{
    public async Task<string> WaitAsync(string domain, string network, IProgressReporter progress, CancellationToken cancellationToken)
    {
        using var stage = progress.BeginStage($"Waiting for {domain} to take a DHCP lease on the libvirt network '{network}'");
        var started = time.GetTimestamp();
        while (true)
        {
            var leases = await virsh.TryRunAsync("look up the domain's lease", cancellationToken, "domifaddr", domain, "--source", "lease").ConfigureAwait(false);
            if (leases.ExitCode == 0 && FirstIPv4(leases.StandardOutput) is { } address)
            {
                return address;
            }

            var state = await virsh.TryRunAsync("read the domain's state", cancellationToken, "domstate", domain, "--reason").ConfigureAwait(false);
            if (DomainState.Parse(state.StandardOutput) != MachineState.Running)
            {
                stage.Fail();
                throw new DisklessException(
                    $"{domain} stopped before it took a lease on '{network}' ({state.StandardOutput.Trim()}).",
                    "read the machine's console log (diskless status shows its last lines); `diskless up --verbose` shows every command",
                    ExitCodes.BootFailed);
            }

            if (time.GetElapsedTime(started) >= timings.LeaseTimeout)
            {
                stage.Fail();
                throw new DisklessException(
                    $"{domain} took no DHCP lease on the libvirt network '{network}' within {timings.LeaseTimeout.TotalSeconds:0} s.",
                    $"Check the network hands out addresses (virsh -c {virsh.Uri} net-dumpxml {network} shows its <dhcp> range) and the guest's console log.",
                    ExitCodes.BootFailed);
            }

            await Task.Delay(timings.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first IPv4 address in <c>virsh domifaddr</c>'s table ("vnet0  52:54:00:…  ipv4  192.168.122.45/24").</summary>
    public static string? FirstIPv4(string table) =>
        table.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length >= 4 && columns[2] == "ipv4")
            .Select(columns => columns[3].Split('/')[0])
            .FirstOrDefault(address => IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork);
}
